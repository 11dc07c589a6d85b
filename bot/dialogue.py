"""What a typed reply means after an offer, and when a statement is a program preference. Pure.

Every offer the assistant makes ("Would you like to…?") has an answer for yes and for no here, so a
typed "yeah" or "not right now" is never a fallback (components/dialogue_policy.py runs these steps;
tests/unit/test_dialogue.py checks that every response that asks a yes/no question is listed).
"""

from __future__ import annotations

import re
from typing import Final, Iterable, Mapping

from bot.contracts import (
    AFFIRM,
    BOT_CHALLENGE,
    CARE_FORMAT,
    CHANGE_ANSWER,
    CRISIS,
    DENY,
    FAQ,
    FIND_PROGRAM,
    FORMS,
    GOODBYE,
    GREET,
    HUMAN_HANDOFF,
    INFORM,
    INSURANCE,
    MAX_DISTANCE,
    OUT_OF_SCOPE,
    REQUEST_CALLBACK,
    SCHEDULE_SLOT,
    SCREENING_FORM,
    SHARE_FEELINGS,
    START_SCREENING,
    STOP,
    THANKS,
    ZIP_CODE,
)

SCREENING_OFFERED: Final = ("utter_screening_intro", SCREENING_FORM)
OTHER_HELP: Final = ("utter_offer_other_help",)

OFFERS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    # "If you like, I can ask a few questions to see which level of care may fit."
    "utter_faq/candidate": {AFFIRM: SCREENING_OFFERED, DENY: OTHER_HELP},
    # "...Otherwise I can ask a few questions to see which level of care may fit."
    "utter_faq/step_up": {AFFIRM: SCREENING_OFFERED, DENY: OTHER_HELP},
    # a need or feelings acknowledged: "Would you like to start with a few short questions?"
    "utter_acknowledge_need": {AFFIRM: SCREENING_OFFERED, DENY: OTHER_HELP},
    # "Is there anything else you'd like to know?"
    "utter_you_are_welcome": {AFFIRM: ("utter_help",), DENY: ("utter_goodbye",)},
    # "If you'd like a real person, I can connect you."
    "utter_iamabot": {AFFIRM: ("action_handoff",), DENY: ("utter_help",)},
    # "Would you like to see what else I can help with?" after the offer was declined
    "utter_offer_other_help": {AFFIRM: ("utter_help",), DENY: ("utter_goodbye",)},
    # safe after the crisis check: "When you're ready, we can carry on, or I can connect you with a person."
    # A yes carries on with the questions (as its button does: the screening resumes at its first question
    # still unanswered); doubt said in words is read by the safety guard first (utter_crisis_repeat).
    "utter_safe_glad": {AFFIRM: SCREENING_OFFERED, DENY: OTHER_HELP},
}
"""Offer (the response that asked) -> intent of the reply -> the assistant's next actions."""


CLOSING: Final = re.compile(
    r"\b(?:that'?s (?:it|all|everything)|thats (?:it|all|everything)|that is (?:it|all|everything)|"
    r"that (?:covers|covered) (?:it|everything)|nothing else|all set|i'?m good|im good|i'?m done|"
    r"that'?ll be all|that will be all)\b"
)
NO_WORDS: Final = frozenset({"no", "nope", "nah", "naw", "nop"})
SAY_GOODBYE: Final = ("utter_goodbye",)


_BYE: Final = r"bye+|goodbye|good ?night|cya|adios|adiós|chao|ciao|take care|ttyl"
"""Goodbye words that LEAVING and FAREWELL_END share."""
_MUST_GO: Final = r"(?:gotta|got to|have to|need to) (?:go|run|bounce)"
LEAVING: Final = re.compile(
    rf"\b(?:{_BYE}|see (?:ya|you)|(?<!maybe )(?<!for )later"
    rf"|{_MUST_GO}(?: now)?(?= *(?:[.!,;]|$))|heading out|peace out)\b"
)
"""Words of leaving; with a thanks or a no they end the conversation ("thank you!! gotta go")."""


def is_closing(text: str, intent: str | None) -> bool:
    """A no or a thanks that ends the conversation ("nope that's it thanks", "ty, gotta go").

    A no alone, or a no to one offer ("no thanks"), is not a closing: the assistant then offers what
    else there is. A thanks is one only with words of leaving ("thank you, have a good night, bye").
    """
    plain = text.lower().replace("\u2019", "'")
    words = re.findall(r"[a-z']+", plain)
    if not words:
        return False
    said_no = intent == DENY or words[0] in NO_WORDS
    if LEAVING.search(plain) and (said_no or intent == THANKS):
        return True
    return said_no and bool(CLOSING.search(plain))


THANKS_START: Final = re.compile(
    r"^(?:(?:ok|okay|k|kk|alright|aight|oh|omg|wow|great|perfect|cool|awesome|got it|gotcha|sounds good)"
    r"[\s,.!]+)*(?:thanks?|thank (?:you|u|ya)|thx|thnx|ty|tysm|tyvm|much appreciated|appreciate (?:it|that)"
    r"|(?:muchas )?gracias|obrigad[oa]|merci|danke|grazie|c[aả]m [oơ]n|salamat|arigato)\b"
)
"""A message that starts by thanking, in English or another language ("ok thx", "muchas gracias")."""
FAREWELL_END: Final = re.compile(
    rf"\b(?:{_BYE}|see (?:ya|you)(?: (?:later|soon|around))?|talk (?:to you )?(?:later|soon)|peace(?: out)?"
    rf"|{_MUST_GO}|have a (?:good|great|nice) (?:one|day|night|evening|weekend)"
    r"|(?<=[.!,;] )(?:later|laters|l8r))[^a-z0-9]*$"  # "all good, back to prep. later"
)
"""A message that ends by leaving ("omg ok gotta run to class. bye!!", "... I appreciate it goodbye")."""
CLOSING_START: Final = re.compile(
    r"^(?:(?:ok|okay|no|nope|nah|naw)[\s,.!]+)*(?:nothing else|that'?s (?:all|it)|thats (?:all|it)|all good"
    r"|all set|i'?m good|im good|i'?m all set|nada m[aá]s|eso es todo)\b"
)
GOING: Final = re.compile(
    rf"\b(?:{_BYE}|{_MUST_GO}|(?:gotta|got to|have to|need to) (?:sleep|get to bed|get to work|head out)"
    r"|heading out|going to bed|off to (?:bed|work|sleep)|back to (?:work|it|prep|my shift|the grind))\b"
)
"""Words of leaving anywhere in a message that starts by closing ("nothing else, gotta go sleep")."""
FAREWELL_KEEPS: Final = frozenset({STOP, HUMAN_HANDOFF, REQUEST_CALLBACK, FIND_PROGRAM, START_SCREENING})
"""Intents a thanks or a goodbye never replaces: what they ask for is more than a farewell. (A weak
`crisis` reading may be replaced: the safety detector, after this, decides on danger with its own layers.)"""
SURE: Final = 0.9
"""From this confidence, a content reading ("thanks, i have medicaid": inform) stays."""


def farewell(text: str, intent: str | None, confidence: float) -> str | None:
    """`thanks` or `goodbye` for a message that thanks or takes leave and asks nothing, else None.

    The classifier often hesitates on these, or reads their other words ("Thanks, I'll pass this along to
    her parents." as prefer_not_say, "muchas gracias" as anything): a farewell said in the message takes
    over from a weak reading, never from a request or a confident content reading ("thanks but i still
    feel awful" is a feeling, "thanks, what about cost?" a question).
    """
    plain = _plain(text)
    if intent in FAREWELL_KEEPS or is_question(plain):
        return None
    if confidence >= SURE and intent not in (THANKS, GOODBYE, CRISIS):
        return None
    if FAREWELL_END.search(plain) or (CLOSING_START.match(plain) and GOING.search(plain)):
        return GOODBYE
    return THANKS if THANKS_START.match(plain) else None


_AMOUNT: Final = (
    r"(?:(?:a|an|one|two|three|four|five|six|\d+|some|a few|a couple(?: of)?|more)"
    r"(?: (?:or|to) (?:two|three|four|five|six|\d+))? )?"
)
_SUBSTANCE: Final = (
    r"(?:drinks?|beers?|glass(?:es)?(?: of wine)?|wine|shots?|pills?|hits?|bumps?|xanax|bars|joints?"
    r"|edibles?|weed)"
)
"""An amount of a drink or drug ("two or three glasses of wine", "like 4 beers"), for `NEED_TOLD`."""
_NUMBER: Final = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_HEAVY_AMOUNT: Final = (
    rf"(?:{_NUMBER}(?:(?: or |-| to ){_NUMBER})? (?:drinks|beers|glasses|shots|pills|bottles|cans|hits"
    r"|joints|seltzers|bourbons|whiskeys)"
    r"|(?:a|one|a whole|half a|most of a) (?:bottle|fifth|handle|six ?pack|12 ?pack|case)\b)"
)
"""More than one drink, or a bottle ("3 or 4 beers", "a whole bottle"): told as a habit, a need."""
_NOT_DOING: Final = (
    r"(?!(?:don'?t|dont|do not|never|didn'?t|didnt|no longer|used to|won'?t|wont|can'?t|cant)\b)"
)


NEED_TOLD: Final = re.compile(
    r"\b(?:thinks?|says?|said|feels?|believes?) (?:that )?i (?:need|should get|might need)\b"
    r"(?! (?:php|iop|inpatient|residential|rehab|detox|an? (?:iop|php|program)|to (?:go|do|try) (?:php|iop)))"
    r"|\bi (?:think i |probably |really )?need (?:more |some |real )?(?:help|support|structure)\b"
    r"|\b(?:i'?ve|ive|i have) been (?:feeling|struggling|restricting|relapsing|drinking|using)\b"
    r"|\bi'?m (?:struggling|not doing (?:well|ok|okay|great))\b"
    r"|\b(?:(?:says?|said|thinks?|tells? me|told me) (?:that )?)?i (?:drink|use|smoke|gamble|drank|used)"
    r" (?:way |far |a bit |probably |definitely )?too much\b"
    r"|\b(?:he|she|they)(?:'s| is| has| have|'ve) been (?:drinking|using|struggling|smoking|relapsing"
    r"|getting high)(?: and \w+(?: \w+)?)? (?:every day|daily|a lot|heavily|again|more)"
    # "i now need two or three glasses of wine to fall asleep", "cant go up anymore without like 4 beers"
    rf"|\bi (?:now |still |also |literally |basically )?(?:need|have to have) {_AMOUNT}{_SUBSTANCE}\b"
    rf"|\b(?:can'?t|cannot) (?:\w+ ){{1,4}}without (?:like )?{_AMOUNT}{_SUBSTANCE}\b"
    # "now im drinking on my nights off too", "i drink on shift like every shift"
    r"|\b(?:i'?m|im|i am) (?:now |still |also |even )?(?:drinking|using|smoking|popping pills)\b"
    r"(?! (?:less|water|tea|coffee|juice|soda))"
    r"|\bi (?:drink|use|smoke) (?:on|at|every|before|after|during|to|most|alone|in the morning)\b"
    # "the drinking has gotten away from me", "its getting out of hand"
    r"|\b(?:gotten|got|getting|gone|going) (?:away from me|out of (?:hand|control))\b"
    # "drinking. too much", "my drinking, way too much"
    r"|^(?:my |the )?(?:drinking|using|smoking|drugs|pills|weed|gambling|alcohol)\W+(?:way |far |probably"
    r" |a bit |a little )?too much\b"
    # "lately I'm having panic attacks in my car"
    r"|\b(?:i'?m|im|i am|i'?ve been|ive been|i have been|i keep) having (?:panic attacks|anxiety attacks"
    r"|flashbacks|nightmares|cravings)\b"
    r"|\bi (?:have|get|started having|started getting) (?:panic attacks|anxiety attacks|flashbacks)\b"
    # "every winter i come home and drink like its my job", "i drink pretty much every night"
    r"|\b(?:drink|drinking|use|using) like (?:it'?s|its|it is) (?:my|a) (?:full[- ]time |second )?job\b"
    rf"|\bi (?:{_NOT_DOING}\w+ ){{0,2}}(?:drink|use|smoke|vape)\b(?: (?!but\b)\w+){{0,3}}"
    r" (?:every|most|each) (?:single )?(?:night|day|morning|evening|afternoon|weekend)s?\b"
    # "i drink 3 or 4 beers before anything social", "we kill a bottle with the crew", "i now open a bottle"
    rf"|\b(?:i|we) (?:{_NOT_DOING}\w+ ){{0,3}}(?:drink|have|down|pour|finish|finished|kill|killed|open"
    rf"|opened|need|go through|went through) (?:like |about |around |at least )?{_HEAVY_AMOUNT}"
    # "my evening wine has become a whole bottle", "lately its 4 or 5 of them"
    rf"|\b(?:has become|have become|became|turned into|is up to|is now) (?:like |about )?{_HEAVY_AMOUNT}"
    rf"|\b(?:lately|now|these days) (?:it'?s|its|it is|i'?m at|im at) (?:like |about )?{_NUMBER}"
    rf"(?: or {_NUMBER})? (?:of them|a night|a day|every night|most nights)\b"
    # "my anxiety is so bad i hide in the back"
    r"|\bmy (?:anxiety|depression|panic|drinking|ptsd|ocd|mood|using|eating) (?:is|has been|has gotten|got"
    r"|gets) (?:so |really |very |pretty |super |way )?(?:bad|worse|out of control|terrible|awful"
    r"|unbearable)\b"
)
"""A need told about oneself ("my counselor thinks i need more structure", "ive been restricting again",
"wife says i drink too much") or about someone one writes for ("lately he has been drinking every day")."""


def tells_a_need(text: str) -> bool:
    """A statement of one's own need: acknowledged and offered a choice, not answered as an FAQ."""
    plain = _plain(text)
    return bool(NEED_TOLD.search(plain)) and not is_question(plain)


CHANGE_REQUEST: Final = re.compile(
    r"\b(?:can|could|may) i (?:just )?(?:fix|change|correct|redo|update|edit) (?:that one|that answer"
    r"|my answer|an answer|one of my answers|the last one|an earlier one|that)\b"
    r"|\bgo back to (?:an? |the |that )?(?:earlier|previous|last|other) (?:one|question|answer)\b"
    r"|\b(?:can|could|may) i (?:just )?(?:fix|change|correct|redo|update|edit) what i (?:said|answered|put)\b"
    r"|\b(?:i )?(?:want|wanna|need|would like|'d like) to (?:fix|change|correct|redo|update|edit)"
    r" (?:my|an|one of my) (?:first |last |earlier |previous |other )?answers?\b"
)
"""A request to change a screening answer in words ("wait i meant 2 not 5 ... can i fix that one", "can i
change what i said about therapy", "i want to change my first answer")."""

CALLBACK_REQUEST: Final = re.compile(
    r"\b(?:can|could|would|will) (?:someone|somebody|a person|a staff member|staff|a counselou?r|your team"
    r"|(?:someone|somebody) from (?:the |your )?(?:program|team|intake|clinic|office)|you guys|you)"
    r" (?:please )?(?:just )?(?:call|phone|ring) me\b"
    r"|\b(?:i'?d like|i want|i would like|can i (?:get|have)|could i (?:get|have)) (?:a |to get a )?"
    r"(?:call ?back|phone call|call from (?:someone|somebody|a person|staff|your team))\b"
    # "can one of these places just give me a call"
    r"|\b(?:can|could|would|will) (?:someone|somebody"
    r"|one of (?:these|those|the|your) (?:places|programs|clinics)"
    r"|(?:the|a) (?:program|clinic|place)|you|you guys|your team|staff) (?:please )?(?:just )?"
    r"(?:give me a (?:call|ring)|get in touch|reach out to me|contact me)\b"
)
"""A request to be called ("can someone from the program call me to talk it through"): the callback form,
whatever FAQ the words resemble. Not a question about calling in to a virtual group."""


CALL_WORDS: Final = re.compile(
    r"\b(?:call|phone|ring|telephone|contact|reach|text|e-?mail|message) (?:me|us|back)\b|\bcall ?backs?\b"
    r"|\bget in touch\b|\b(?:give|have|get|receive|set up|schedule|arrange) (?:me )?a (?:call|ring)\b"
    r"|\bphone call\b|\b(?:my|phone) number\b"
    r"|\b(?:someone|somebody|a person|staff) (?:to )?(?:call|phone|telephone|contact|reach)\b"
    r"|\b(?:contacts?|follow(?:s)? up with) me\b|\bfollow up by (?:text|phone|email|e-mail)\b"
    r"|\bleave my (?:number|phone|email|e-mail|contact)\b"
)
"""Words of a request to be contacted; a question without them is no callback request ("Would a program
understand that I cannot promise every evening? If the phone rings at two in the morning, I go")."""


_PRIVATELY: Final = r"alone|one on one|1 ?on ?1|privately|individually|in private"
PERSON_REQUEST: Final = re.compile(
    r"\b(?:can i|could i|may i|i want to|i wanna|i'?d like to|i would like to|i need to|let me|i have to)"
    r" (?:just )?(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:real |actual |live )?"
    rf"(?:(?:person|human|agent|staff|representative|rep)\b(?! (?:{_PRIVATELY})\b)"
    rf"|(?:somebody|someone)\b(?! (?:{_PRIVATELY}|about)\b))"
)
"""A request for a person ("ugh ok can i just talk to somebody who can actually schedule it", "I would like
to speak with a person about the appeal"); not one for individual therapy ("i want to talk to someone alone
not in a group", "i need to talk to someone about what happened")."""


PERSON_ONLY: Final = re.compile(
    r"^(?:(?:a|an|real|actual|live|human|to|talk|speak|chat|with)\s+)*(?:person|human|agent|rep|representative"
    r"|staff member)(?:\s+(?:pls|please|plz|now|asap|thanks|thx))*[\s.!]*$"
)
"""A person asked for in a word or two ("person pls", "real human please", "agent")."""


def certain_intent(text: str, intent: str | None, confidence: float) -> str | None:
    """The intent a message has whatever the classifier read (`intent` at `confidence`), or None.

    A stop or a pause, a request for a clinical act, a request for the screening questions, to change an
    answer or for a person, a need told as a statement that the classifier read as an FAQ, and a thanks
    or a goodbye that asks nothing. A `crisis` reading is replaced too: the safety detector, which runs
    after the classifier, decides on danger with its own layers and escalates whatever the intent.
    """
    wordless = wordless_intent(text)
    if wordless is not None:
        return wordless
    if BARE_ZIP.match(text):
        return INFORM  # "80205" answers "what's your ZIP code?": an inform, not a message not understood
    if asks_for_clinical_act(text):
        return OUT_OF_SCOPE
    if asks_for_screening(text):
        return START_SCREENING  # "i changed my mind, i want to do the screening" takes back a no
    if is_cancel(text):
        return STOP
    plain = _plain(text)
    if CHANGE_REQUEST.search(plain):
        return CHANGE_ANSWER
    if PERSON_REQUEST.search(plain) or PERSON_ONLY.match(plain):
        return HUMAN_HANDOFF
    if CALLBACK_REQUEST.search(plain):
        return REQUEST_CALLBACK
    if intent == REQUEST_CALLBACK and not CALL_WORDS.search(plain):
        if is_question(plain):
            return FAQ  # "would a program understand that i cannot promise every evening?" asks, calls no one
        if FAREWELL_END.search(plain):
            return GOODBYE  # "I shall call them this afternoon instead of opening the wine. Goodbye."
    unsure = confidence < UNSURE_READING and not YES_OR_NO_START.match(plain)
    if (intent in (FAQ, UNCLEAR, SHARE_FEELINGS) or unsure) and tells_a_need(text):
        return SHARE_FEELINGS  # "my wife thinks i need more than seeing my therapist once a month"
    if GREETING_ONLY.match(plain):
        return GREET
    if ABOUT_THE_BOT.search(plain):
        return BOT_CHALLENGE
    if (NEAREST.search(plain) or PLACE_SEARCH.search(plain)) and intent not in (FIND_PROGRAM, INFORM):
        return FIND_PROGRAM
    return farewell(text, intent, confidence)


UNSURE_READING: Final = 0.45
"""Below this (the fallback threshold in config.yml) any reading of a message that tells a need gives way to
the need: "dispatcher, 12 hr shifts ... i cant sleep and im drinking to get there" (inform 0.30) is
acknowledged, not a fallback."""
YES_OR_NO_START: Final = re.compile(r"^(?:yes|yeah|yep|yup|ya|sure|ok|okay|no|nope|nah)\b")
"""A reply that starts with yes or no answers what was asked ("yes, i drink every day")."""


BARE_ZIP: Final = re.compile(
    r"^\s*(?:(?:my )?zip(?: code)?(?: is)?:?\s*)?\d{5}(?:-\d{4})?\s*[.!]?\s*$", re.IGNORECASE
)
"""A message that is only a US ZIP code ("80205", "zip: 10001-1234")."""

EMOJI_INTENTS: Final[Mapping[str, str]] = {
    "\U0001f44d": AFFIRM,  # thumbs up
    "\U0001f44c": AFFIRM,  # OK hand
    "\u2705": AFFIRM,  # check mark button
    "\u2714": AFFIRM,  # check mark
    "\U0001f197": AFFIRM,  # OK button
    "\U0001f44e": DENY,  # thumbs down
    "\u274c": DENY,  # cross mark
    "\U0001f6ab": DENY,  # prohibited
    "\U0001f64f": THANKS,  # folded hands
}
"""Emoji that answer by themselves, as people text them."""
_HAS_WORD: Final = re.compile(r"[^\W_]")


def wordless_intent(text: str) -> str | None:
    """The intent of a message with no letter or digit: an emoji that answers, else not understood.

    The classifier reads every wordless message alike (its vector is that of empty text), so "🙃🙃🙃"
    and "???" would get whichever answer empty text leans to. Crisis detection still reads them.
    """
    if not text.strip() or _HAS_WORD.search(text):
        return None
    meanings = {intent for emoji, intent in EMOJI_INTENTS.items() if emoji in text}
    return meanings.pop() if len(meanings) == 1 else UNCLEAR


GREETING_ONLY: Final = re.compile(
    r"^(?:(?:hi|hii+|hello|helo|hey+|heya|hiya|yo|sup|howdy|greetings|hola|buenas|buenos d[ií]as"
    r"|buenas tardes|buenas noches|good (?:morning|afternoon|evening)|ol[aá]|oi|bonjour|xin ch[aà]o"
    r"|kumusta|hallo)"
    r"(?: there| all| everyone| team| bot)?[\s,.!?]*)+$"
)
"""A message that only greets, in English or another language ("hola buenas tardes", "hey there!")."""
_LEAD: Final = r"^(?:(?:ok|okay|so|wait|hey|um+|hmm+)[\s,.!]+)*"
ABOUT_THE_BOT: Final = re.compile(
    _LEAD + r"(?:who|what company|which company) (?:made|built|created|programmed|runs|owns|designed)"
    r" (?:you|this(?: bot| chat| thing)?)[\s?!.]*$"
    r"|" + _LEAD + r"(?:are|r) (?:you|u) (?:a |an )?(?:bot|robot|real person|human|real|ai|computer"
    r"|machine|person)\b[\s?!.]*$"
)
"""A question about the assistant itself ("who made you?", "r u a bot"): answered by utter_iamabot."""


NEAREST: Final = re.compile(
    r"\b(?:whatever'?s|whichever'?s|what ?ever is|which ?ever is|anything|anywhere|any one|the one|any)"
    r" (?:is )?(?:closest|nearest|close(?:st)? to me|near me|nearby)\b"
    r"|\b(?:the )?(?:closest|nearest) (?:one|place|program|location|option)s?\b"
)
"""A search with no wish but nearness ("dont care honestly, whatever's closest"): a program search."""
PLACE_SEARCH: Final = re.compile(
    r"\b(?:is there|are there|any|anything|know of|find)\b[^.?!]*\b(?:iops?|programs?|intensive outpatient"
    r"|php|rehabs?|treatment cent(?:er|re)s?)\b[^.?!]*\b(?:around|near|close to|outside of)"
    r" (?!(?:me|here|there|my|your|the|a|an|lunch|lunchtime|noon|dinner|work|school|home|midnight)\b)"
    r"[a-z]{3,}"
)
"""A search named by its place ("is there any iop for alcohol around milwaukee"): a program search."""
CANCEL: Final = re.compile(
    r"^(?:(?:actually|ok|okay|oh|um+|uh+|hmm+|wait|no|sorry|ugh|yeah|ya)[\s,.!]+)*"
    r"(?:never ?mind|nvm|forget (?:it|about it|that)|scratch that"
    r"|cancel(?: (?:it|that|this|the (?:call|callback|request)))?|i(?:'?ve| have)? changed my mind)"
    r"\b(?![\s,]*(?:that|what|i meant))"
)
"""A message that takes back the request under way ("actually, never mind, don't call")."""
STOP_NOW: Final = re.compile(
    r"^(?:(?:actually|ok|okay|oh|um+|uh+|wait|no|nope|nah|sorry|ugh|please|pls)[\s,.!]+)*"
    r"(?:let'?s |can we |please |pls )?(?:stop|quit|pause)"
    r"(?:[\s,.!]+(?:here|now|for now|for today|please|pls|thanks|thank you|not today|not now|"
    r"the questions|this))*[\s,.!?]*$"
)
"""A message that is only a request to stop ("actually no, stop, not today", "let's stop here")."""
PAUSE: Final = re.compile(
    r"\b(?:(?:have|need|got|gotta) to (?:stop|pause) (?:here|for now|for today)"
    r"|(?:finish|continue|complete) (?:it|this|the rest|the questions|them) later"
    r"|(?:my )?break'?s over|(?:come|get) back to (?:it|this|the questions) later"
    # "gotta pause this, I'll pick it back up another time", "gonna have to pause the questions for now"
    r"|(?:gotta|have to|need to|got to|gonna have to|going to have to) pause(?: (?:this|it|here|now|for now"
    r"|the questions|them)\b|(?=\s*[,.!;]|\s*$))"
    r"|(?:pick|take) (?:it|this|them) (?:back )?up (?:later|another time|some other time|tomorrow)"
    r"|(?:do|finish|continue) (?:it|this|the rest|them) (?:another time|some other time|tomorrow))\b"
)
"""A message that pauses what is under way ("i have to stop here, my break's over, i'll finish later")."""


def _plain(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces: the form the cancel and clinical patterns read."""
    return " ".join(text.lower().replace("\u2019", "'").split())


def is_cancel(text: str) -> bool:
    """A message that takes back or pauses what is under way, and asks nothing new.

    A message that is only a stop ("actually no, stop, not today") is one, and so is a pause said anywhere
    in a message that asks nothing ("ok i have to stop here, my break's over. i'll finish it later").

    "never mind, what does it cost?" asks a question (it is answered instead); "ok nvm bye" says goodbye.
    """
    plain = _plain(text)
    if STOP_NOW.match(plain) or (PAUSE.search(plain) and "?" not in plain):
        return True
    return bool(CANCEL.match(plain)) and "?" not in plain and not LEAVING.search(plain)


_DIAGNOSES: Final = (
    r"bipolar|adhd|add|ocd|ptsd|bpd|autism|depression|anxiety|schizophreni\w*|borderline|psychosis"
    r"|(?:an? )?(?:\w+ )?(?:disorder|addiction)|an? alcoholic|alcoholic|addicted|an addict"
)
CLINICAL_ACT: Final = re.compile(
    r"\b(?:(?:you|u) (?:\w+ ){0,2}prescribe me|(?:you|u) (?:just )?give me (?:a |an |some )?(?:prescription"
    r"|script|rx|meds|medication|pills|something for)|(?:you|u) (?:just )?write (?:me )?(?:a |an )?"
    r"(?:script|prescription|rx)|(?:you|u) (?:just )?refill my|(?:you|u) (?:just )?diagnose (?:me|my)"
    r"|give me a diagnosis|(?:what|which) (?:disorder|diagnosis|mental illness) (?:do|does) (?:i|she|he)"
    r" have"
    # "do you think i have bipolar?", "can you tell me if i have adhd"
    rf"|(?:(?:do|would) (?:you|u) (?:think|say)|tell me (?:if|whether)) (?:i|i'm|im|she|he|my \w+)"
    rf" (?:have|has|am|is|might have|could have|got)? ?(?:{_DIAGNOSES})\b"
    # "can u book me an intake appt for tuesday", "schedule me in for monday"
    r"|(?:book|schedule|set up|make) (?:me|us) (?:an? |in |for )?(?:\w+ )?(?:appointment|appt|intake"
    r"|assessment|session|slot)"
    # "can you send my job a doctors note", "could u write me a letter for court"
    r"|(?:you|u) (?:\w+ ){0,2}(?:write|send|give|sign|email|fax) (?:me |my \w+ |them |him |her )?"
    r"(?:a |an |the )?(?:\w+ )?(?:letter|note)\b"
    # "i need a letter for court ... can u send it to me"
    r"|(?:letter|note)\b.{0,80}\b(?:you|u) (?:\w+ ){0,2}(?:send|write|give|sign|email|fax) (?:it|one|that)\b"
    # "could you sign off on my attendance sheet", "can u text my PO", "can you email me that list"
    r"|(?:you|u) (?:\w+ ){0,2}(?:sign|sign off on|fill out|fill in|initial) (?:my |the |our |his |her )?"
    r"(?:\w+ )?(?:attendance|court|probation|paperwork|forms?|sheets?|papers)"
    r"|(?:you|u) (?:\w+ ){0,2}(?:text|call|email|e-mail|contact|message|tell|update|notify) my (?:po|p o"
    r"|probation officer|parole officer|lawyer|attorney|boss|employer|manager|judge|doctor|therapist"
    r"|case ?worker|case manager)"
    r"|(?:you|u) (?:\w+ ){0,2}(?:email|e-mail|text|mail|fax) (?:me |it to me |that to me )"
    r"(?:that |the |this )?(?:list|info|information|results?|programs?|answers?)"
    r")\b"
)
"""A request for what only a clinician or the program's staff does: a diagnosis, a prescription, booking
an appointment, a letter or a doctor's note ("can u book me an intake appt for tuesday at 2"), signing
forms, contacting someone for the person, or sending the answers elsewhere (the assistant does neither)."""


def asks_for_clinical_act(text: str) -> bool:
    """Whether the message asks the assistant to diagnose, prescribe, book or write (it is out of scope)."""
    return bool(CLINICAL_ACT.search(_plain(text)))


SCREENING_REQUEST: Final = re.compile(
    r"\b(?:(?:run|walk|take|put) (?:me|us) through|ask me) (?:the |your |those |these |some"
    r" |whatever |any )?(?:\w+ )?(?:questions|screening|screener|assessment|questionnaire|quiz)"
    r"(?! (?:is|are|about)\b)"
    r"|\b(?:let'?s|lets|can we|could we|i'?d like to|i want to|i wanna|wanna) (?:do|start|take|try|begin)"
    r" (?:the |your |those |these |a |some )?(?:questions|screening|screener|assessment|questionnaire|quiz)\b"
    r"|\b(?:can|could|may) i (?:please )?(?:take|do|redo|retake|start|restart|go through) (?:the |your |those"
    r" |these |that )?(?:whole |entire |full )?(?:questions|screening|screener|assessment|questionnaire|quiz)"
    r"(?! (?:is|are|about)\b)"
    r"|\b(?:redo|retake|restart|start over|do over) (?:the |your |those |these |that |my )?"
    r"(?:whole |entire )?(?:questions|screening|screener|assessment|questionnaire|quiz)\b"
)
"""A request to take the screening in words of one's own ("can you run me through whatever questions you
have", "ok lets do the questionnaire", "can I take the whole screening again from the start?")."""


def asks_for_screening(text: str) -> bool:
    """Whether the message asks to be taken through the screening questions."""
    return bool(SCREENING_REQUEST.search(_plain(text)))


YES_WORDS: Final = frozenset(
    "yes yeah yep yup ya yea yess sure ok okay k alright definitely absolutely please si".split()
)
UNCLEAR: Final = "nlu_fallback"


_REPLY_LEAD: Final = r"^(?:(?:ok|okay|hmm+|um+|uh+|honestly|nah|no|nope|naw)[\s,.!]+)*"
"""Words before a reply's gist ("nah, ...", "ok so ... ") that `DECLINE_START` and `REQUEST_DECLINED` skip."""
DECLINE_START: Final = re.compile(
    _REPLY_LEAD + r"(?:not (?:right )?now|not yet|not today"
    r"|not at the moment|maybe (?:later|another time|some other time)|no thanks?|no thank you|not for now"
    r"|not rn|not atm|(?:i'?m|im|i am) not ready(?: for (?:a |the |any |those |these )?(?:questions?"
    r"|questionnaire|quiz|screening|that|this|it)\b| yet\b|(?=\s*[,.!;]|\s*$)))"
)
"""A decline said in words ("not right now, i just needed to say it out loud", "maybe later")."""
FOR_SOMEONE_ELSE: Final = re.compile(
    r"\bfor (?:her|him|them|my (?:son|daughter|wife|husband|partner|brother|sister|mom|mother|dad|father"
    r"|friend|kid|child|niece|nephew|boyfriend|girlfriend))(?: \w+){0,2},? (?:and )?(?:not|rather than"
    r"|instead of) (?:for )?me\b"
)
"""An offer turned down because it fits someone else ("the questions would be for him, not me")."""
REQUEST_DECLINED: Final = re.compile(
    _REPLY_LEAD + r"(?:please |pls |plz )?(?:don'?t|dont|do not|no need to)(?: \w+)?"
    r" (?:transfer|connect|put|hand|pass|call|send|ring)\b"
)
"""A request turned down in words ("nah dont transfer me yet", "no, don't call me"), whatever the classifier
read: its words name the very request."""


def yes_or_no(text: str, intent: str | None, preferences: bool = False) -> str | None:
    """The intent of a reply to an offer, read from its first words where the classifier may be wrong.

    After an offer, "ok yeah lets do those" is a yes even when the classifier is unsure, and a reply
    that starts with a no ("no thanks, not ready for questions yet", "no its fine, just curious") is a
    no even when the classifier read a yes, a request for the screening or an `inform` that carries no
    program preference. A reply that starts with a decline in words ("not right now, i just needed to say
    it out loud", "no not today, i just wanted to understand the options") is a no even when the
    classifier read a feeling or an FAQ, or did not understand it ("not yet. got a few questions first").
    A question or a preference (`preferences`: the message carries one) keeps its intent. An offer said to
    fit someone else ("the questions would be for him, not me") is declined, with or without a question.
    """
    plain = _plain(text)
    if intent in (HUMAN_HANDOFF, REQUEST_CALLBACK) and REQUEST_DECLINED.match(plain):
        return DENY  # "nah dont transfer me yet" after "If you'd like a real person, I can connect you."
    if intent in (SHARE_FEELINGS, FAQ, UNCLEAR, START_SCREENING, AFFIRM) and FOR_SOMEONE_ELSE.search(plain):
        return DENY  # "I believe the questions are meant for her rather than me. May I ask a few things?"
    if (
        intent in (SHARE_FEELINGS, FAQ, UNCLEAR, START_SCREENING)
        and not preferences
        and not is_question(plain)
    ):
        if DECLINE_START.match(plain):
            return DENY
    unsure = intent == UNCLEAR or (intent == INFORM and not preferences)
    if not unsure and intent not in (AFFIRM, START_SCREENING):
        return intent
    words = re.findall(r"[a-z']+", text.lower())
    if not words:
        return intent
    if words[0] in NO_WORDS:
        return DENY  # "no thanks, not ready for questions yet" declines, whatever the classifier read
    if unsure and words[0] in YES_WORDS:
        return AFFIRM
    return intent


def reply_to_offer(offer: str | None, intent: str | None) -> tuple[str, ...]:
    """The actions that answer a yes or no to `offer`, or () when it was not a reply to an offer."""
    if offer is None or intent is None:
        return ()
    return tuple(OFFERS.get(offer, {}).get(intent, ()))


QUESTION_START: Final = re.compile(
    # not "what troubles me is that i need wine to sleep": a statement told as a cleft
    r"^(?!what (?:really |most |also )?(?:troubles|bothers|worries|scares|concerns|gets to|helps) me"
    r" (?:most |the most )?(?:is|was)\b)"
    r"(?:what|whats|what's|how|hows|does|do|is|are|can|could|will|would|who|when|where|why|which|"
    r"should|am|did(?! (?:\d+|two|three|four|five|six|a few|several|time)\b)|isn't|aren't|don't|doesn't)\b"
    r"(?! be (?:good|great|nice|best|ideal|perfect)\b)"
)
QUESTION_LEAD: Final = re.compile(
    r"^(?:(?:ok|okay|so|also|like|um+|hey|yo|hi|hello|hiya|well|btw|anyway|anyways|honestly|seriously"
    r"|ballpark|roughly|real quick|quick question"
    r"|real question|serious question|question|tho|though)\b[\s:]*)+"
)
"""Words before a question's first word ("ballpark what does it cost", "real question tho would they")."""
INDIRECT_QUESTION: Final = re.compile(
    r"\b(?:wondering|wonder|want to know|wanna know|dying to know|curious|need to know|trying to figure out)"
    r" (?:if|whether)\b"
)
""""also dying to know if my insurance covers this", "wondering whether groups are mixed": a question.
Not "just wanna know how it works first", which after an offer is a no to it."""
CONDITIONAL_QUESTION: Final = re.compile(
    r"^(?:what )?if\b.*\b(?:can|could|will|would|do|does|is|are|should|am) (?:i|we|you|they|he|she|it)\b"
)
""""if the video freezes can i just call in": a question after its condition."""
# Preferences that only a program search uses; "iop", "depression" or "my son" are too common in
# questions and needs to count on their own, so those count only when the NLU also read `inform`.
SEARCH_ONLY_ENTITIES: Final = frozenset({SCHEDULE_SLOT, CARE_FORMAT, INSURANCE, ZIP_CODE, MAX_DISTANCE})
WISH_CUE: Final = (
    r"i'?d prefer|i prefer|prefer(?:ably)?|would be (?:good|great|nice|best|ideal)|if possible|ideally|"
    r"(?:i'?m )?looking for(?! (?:some |more |any )?(?:info|information|details|answers|advice)\b)"
    r"|has to be|needs to be|(?:need|needs|want|wants|like|prefer) one (?:for|that|with|focused)"
)
PREFERENCE_CUE: Final = re.compile(rf"\b(?:{WISH_CUE}|friendly|focused|focus|only|specializ\w*)\b")
"""Words that make a program (population, specialty, level of care) a wish for the search ("lgbtq
friendly if possible", "something trauma focused would be good", "a program for women only")."""
NOT_A_STATEMENT: Final = frozenset(
    {FIND_PROGRAM, REQUEST_CALLBACK, HUMAN_HANDOFF, START_SCREENING, STOP, CRISIS}
)
WISH: Final = re.compile(rf"\b(?:{WISH_CUE})\b")
"""A wish said outright: a preference even when the NLU reads feelings ("alcohol focused would be good")."""


ASKS_FOR_A_PROGRAM: Final = re.compile(
    r"\b(?:is there (?:one|any|a program|a place|something)|are there (?:any|ones|programs|places)"
    r"|any (?:that|thats|that's|with|for)|do any of (?:them|those|these)|(?:which|what) ones?"
    r"|one (?:that|thats|that's|for|with|just))\b"
)
"""A question after the program search that asks it for another kind of program ("is there one thats just
women", "do any of them do sliding scale")."""


SEARCH_REQUEST: Final = re.compile(
    r"\b(?:(?:can|could|would|will) (?:you|u|ya) (?:please |pls |plz |just )?"
    r"(?:search|look (?:for|up|around)|find)"
    r"|(?:please|pls|plz) (?:search|look (?:for|up|around)|find)|find me"
    r"|(?:search|look) (?:for|up) (?:something|some|programs?|ones?|a program|an? iop|iops|groups?|options"
    r"|places))\b"
)
"""A request to run the search ("can u search for her. alcohol, virtual", "please look for something for
depression, in person"): with a preference in the message it is a search, whatever the classifier read."""
PROGRAMS_OBJECT: Final = re.compile(
    r"\b(?:search|look|find|show|pull up|get)(?: me)?(?: (?:for|up|around|into))?(?: (?:some|any|a few"
    r"|a couple|the|a|an|local|nearby|good|possible))? (?:programs?|iops?|options|places|clinics?"
    r"|treatment (?:centers?|programs?))\b"
)
"""What a request to search asks for, when it names no preference ("can you just look for programs?"):
programs, not an answer ("could you look up what iop costs" stays a question)."""


def is_question(text: str) -> bool:
    """A question mark anywhere, or a clause that starts as a question ("can they treat both")."""
    if "?" in text or INDIRECT_QUESTION.search(text.lower()):
        return True
    clauses = [clause.strip() for clause in re.split(r"[.!;,\n]+|\b(?:and|but|so|or)\b", text.lower())]
    return any(
        QUESTION_START.match(QUESTION_LEAD.sub("", clause)) or CONDITIONAL_QUESTION.match(clause)
        for clause in clauses
    )


SHORT_FIRST_CLAUSE: Final = re.compile(r"^\W*(?:[\w']+\W+){0,2}[\w']+\s*(?:[.,;!]|$)")
"""A message that opens with an answer of at most three words ("alcohol mostly. and the stress")."""


def is_preference_statement(
    text: str, entities: Iterable[str], intent: str | None, searching: bool = False
) -> bool:
    """A statement that gives program preferences ("I have Medicaid", "I live in 10001").

    The preference extractor is rule-based and precise; a message that carries a search preference and
    is not a question is taken as one, whatever intent the classifier chose (an FAQ about insurance, a
    fallback); a population, specialty or level of care counts when the NLU read `inform`, when the text
    words it as a wish ("trauma focused would be good"), or when the program search spoke last
    (`searching`: "its for alcohol" answers it, and so does a feeling that opens with a short answer:
    "alcohol mostly. and the stress i guess"), and any preference counts in a request to search
    (`SEARCH_REQUEST`, even one the classifier read as a callback request when it asks no one to call),
    as does a request to look for programs that gives none yet. Questions ("does
    Medicaid pay for this?") keep their FAQ answer, needs and feelings their acknowledgement; the slots
    are kept either way.
    """
    found = set(entities)
    lowered = text.lower()
    asks_search = bool(SEARCH_REQUEST.search(lowered))
    if intent == REQUEST_CALLBACK and found and asks_search and not CALL_WORDS.search(lowered):
        return True  # "ok find me one. in person, mornings, 59801" asks for a search, not a call
    if intent in NOT_A_STATEMENT:
        return False
    if not found:  # nothing given yet: only a request to look for programs searches (it asks where)
        return asks_search and bool(PROGRAMS_OBJECT.search(lowered))
    if asks_search:
        return True
    answers_search = searching and SHORT_FIRST_CLAUSE.match(lowered) is not None and not tells_a_need(text)
    if intent == SHARE_FEELINGS and not WISH.search(lowered) and not answers_search:
        return False  # a need or a feeling ("i need help with my drinking") gets its acknowledgement
    if ZIP_CODE in found:
        return True  # a place is given: "my zip is 78704, what's around here" is a search either way
    if is_question(text):
        return searching and bool(ASKS_FOR_A_PROGRAM.search(lowered))
    if intent == INFORM or found & SEARCH_ONLY_ENTITIES or searching:
        return True
    return bool(PREFERENCE_CUE.search(lowered))


QUESTION_ANSWER_CONFIDENCE: Final = 0.9
"""The response selector's confidence from which a question the NLU did not place gets that FAQ answer."""
FAQ_ANSWER: Final = ("utter_faq",)


def answers_question(text: str, intent: str | None, faq_confidence: float) -> bool:
    """A question read as unclear or as `inform` that the response selector places with confidence.

    "are there evening groups?" or "would my aetna plan pay for iop" name a preference, so the
    classifier may read `inform` or hesitate between intents (`nlu_fallback`); the response selector,
    which ranks FAQ topics for every message, may still be sure of the topic. Such a question gets that
    answer instead of "Sorry, I didn't understand" or a list of topics to pick from.
    """
    if intent not in (UNCLEAR, INFORM) or faq_confidence < QUESTION_ANSWER_CONFIDENCE:
        return False
    return is_question(text)


INSURANCE_TOPIC: Final = "insurance"
PAYS: Final = re.compile(
    r"\b(?:take|takes|taking|accept|accepts|accepted|cover|covers|covered|coverage|pay|pays|paying|paid"
    r"|in[- ]network|bill|billing|work with|go through)\b"
)
"""Words that ask whether a plan pays ("do you take humana?", "would medicare pay for this")."""
OWN_PLAN: Final = re.compile(
    r"\b(?:my|our|his|her|their) (?:health |medical )?(?:insurance|insurance plan)\b(?! money)"
)
""""my insurance": a plan the person has, named or not ("dying to know if my insurance even covers this")."""


def asks_if_plan_pays(text: str, insurers: Iterable[str]) -> bool:
    """A question whether a named insurer or plan pays: the insurance answer, whatever else it words.

    "do you take humana? yes or no, i dont have all day" is about insurance, not missed sessions; "i have
    medicaid, would that pay for it" too. `insurers` are the insurance preferences found in the message
    (self-pay is not an insurer).
    """
    named = [value for value in insurers if value != "self_pay"]
    plain = _plain(text)
    return (bool(named) or bool(OWN_PLAN.search(plain))) and is_question(plain) and bool(PAYS.search(plain))


def next_step(planned: tuple[str, ...], done: list[str]) -> str | None:
    """The next of `planned` after the actions already `done` this turn; "action_listen" at the end.

    None when the turn went another way, or when the plan ends in a form (the form then leads).
    """
    if not planned or len(done) > len(planned) or list(planned[: len(done)]) != done:
        return None
    if len(done) < len(planned):
        return planned[len(done)]
    return None if planned[-1] in FORMS else "action_listen"
