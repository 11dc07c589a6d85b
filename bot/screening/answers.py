"""Free text to screening answers: "yeah", "not really", "a few times a week", "I'd rather not say".

`parse_answer(field, text)` returns a valid value for the field, `PREFER_NOT_SAY`, or None when it
is not sure (the form then asks again with buttons). It never guesses: when phrases for different
values appear in one message, the answer is None. Phrases are matched in order and a matched span
is blanked, so "not safe" is read as false before "safe" could be read as true.

Negations that affirm ("I haven't stopped thinking about it", "not a day goes by that I don't", "I
can't say I haven't") are read first, as yes, so their "haven't", "don't" or "can't say" is never
taken for a no or for "not sure". Hedged denials ("I can't say I have") are read next, as no.
"""

from __future__ import annotations

import enum
import html
import re
import unicodedata
from functools import lru_cache
from typing import Final, Literal, Union

from bot.screening.engine import BOOL, FIELDS, Value

MAX_ANSWER_CHARS = 500
"""Longer messages are not screening answers; the question is asked again."""


class Sentinel(enum.Enum):
    """Markers that are not field values."""

    PREFER_NOT_SAY = "prefer_not_say"


PREFER_NOT_SAY: Literal[Sentinel.PREFER_NOT_SAY] = Sentinel.PREFER_NOT_SAY
Parsed = Union[bool, str, Literal[Sentinel.PREFER_NOT_SAY], None]

_UNSURE = "__unsure__"
_ASIDE = "__aside__"
"""Words blanked for one field without giving a value ("it helps a lot" in an answer about daily life)."""

PREFER_NOT_SAY_RE = (
    r"\b(?:i'?d |i would )?(?:rather|prefer) not (?:to )?(?:say|answer|tell|share|talk about)"
    r"|\bprefer not to\b|\b(?:don'?t|do not) (?:want|wanna) to (?:say|answer|share|talk about)"
    r"|\bnot comfortable (?:saying|answering|sharing)|\bno comment\b|\bprivate\b"
    r"|\bnone of your business\b|^(?:pass|skip)(?: (?:this|that|it))?(?: one| question)?$"
)
UNSURE_RE = (
    r"\bnot (?:sure|certain)\b|\bunsure\b|\b(?:don'?t|do not) know\b|\bdunno\b|\bidk\b"
    r"|\bno idea\b|\bmaybe\b|\bperhaps\b|\bcan'?t say\b|\bhard to say\b"
)
NO_RE = (
    r"\b(?:i have|i'?ve|ive|i) (?:really |honestly |truly )?never\b"
    r"|\bnot really\b|\bnot at all\b|\bnot that i know of\b|\bnope\b|\bnah+\b|\bnaw\b|\bnever\b"
    r"|\b(?:definitely|absolutely|certainly|hell|of course|obviously) not\b|\bno way\b"
    r"|\b(?:probably|prob|prolly|likely) not\b"  # before YES_RE reads "probably" as a hedged yes
    r"|\bno+\b|\bn\b|\bnegative\b|\bfalse\b|\bnunca\b|^non(?: non| merci| mesi)?$"
    r"|\bi (?:haven'?t|havn'?t|have'?nt|have not|don'?t|do not|didn'?t|did not)\b(?! want| wanna)"
    r"|^(?:haven'?t|havn'?t|have'?nt|have not)\b"
)
_NOT_POSSESSION = r"(?! (?:a|an|the|my|our|his|her|two|three|four|\d+|kids|children|to|own)\b)"
""""I have" is a yes, "i have two kids" (said while answering something else) is not."""
_DEGREE_OF = (
    r"(?! (?:of|more|less|much|too|better|worse|up|high|late|early|longer|shaky|sweaty|dizzy|sick"
    r"|queasy|jittery|achy|sore|tired|hungover|off|rough|weird|strange)\b)"
)
""""A bit" answers yes, but "a bit shaky" or "a bit more" describes something (a story told while
answering another question), and answers nothing."""
_COMPARED = (
    r"(?! (?:more|less|better|worse|calmer|happier|easier|healthier|safer|stronger|steadier|quieter"
    r"|older|younger)\b)"
)
""""A lot" answers yes, but "a lot calmer" or "a lot better" compares, and answers nothing."""
YES_RE = (
    r"\byes+\b|\byeah?\b|\byep\b|\byup\b|\bya\b|\by\b|\bsure\b|\bof course\b|\bdefinitely\b"
    r"|\babsolutely\b|\bi (?:have|do|did)\b"
    + _NOT_POSSESSION
    + r"|\bsometimes\b|\ba (?:little|bit)\b"
    + _DEGREE_OF
    + r"|\bkind ?of\b"
    r"|\bkinda\b|\bsort of\b|\boften\b|\ba lot\b" + _COMPARED + r"|\bcorrect\b|\btrue\b|\bi think so\b"
    r"|\bprobably\b|\bevery day\b|\ball the time\b|\bconstantly\b"
    r"|^(?:wi|oui|s[ií]|tak)(?: (?:wi|oui|s[ií]|tak))?$"  # a yes in Haitian Creole, French, Spanish or Polish
)
_NEG_AUX = (
    r"(?:haven'?t|havn'?t|have'?nt|have not|hasn'?t|has not|hadn'?t|had not|don'?t|do not|didn'?t"
    r"|did not|doesn'?t|does not|won'?t|will not)"
)
_DAY = (
    r"\b(?:not|never|isn'?t|is not|wasn'?t|was not|hasn'?t been|there'?s not|theres not|hardly|barely)"
    r" (?:even )?(?:a|one)(?: single)? (?:day|night|week|hour)"
)
AFFIRMING_NEGATION_RE = (
    # "I haven't stopped thinking about it", "it never stopped", "hasn't stopped"
    r"\b(?:i )?(?:haven'?t|havn'?t|have'?nt|have not|hasn'?t|has not|never|not) (?:ever |really |once"
    r" |even )?stopp?ed(?: (?:thinking|wishing|wanting|feeling)\b)?"
    # "I can't stop thinking about it", "haven't been able to stop thinking"
    r"|\b(?:can'?t|cannot|can not|couldn'?t|could not|don'?t|do not|didn'?t|won'?t|never|unable to"
    r"|not able to|(?:haven'?t|have not|hasn'?t|has not|never) been able to) (?:ever |really |seem to"
    r" |just |even )?stop(?:ping)? (?:thinking|wishing|wanting|feeling|obsessing|dwelling|imagining"
    r"|having)\b"
    # "I can't not think about it", "never not"
    r"|\b(?:can'?t|cannot|can not|couldn'?t|never) not\b(?! (?:once|ever|one|a single|even)\b)"
    # "not a day goes by (that I don't)", "hardly a day passes without", "not a day I don't"
    r"|" + _DAY + r" (?:goes|go|went|has gone|passes|passed|has passed)(?: by)?(?: (?:that|when|where"
    r"|without))?(?: i)?(?: " + _NEG_AUX + r")?"
    r"|" + _DAY + r"(?: (?:that|when|where))? i " + _NEG_AUX + r"|" + _DAY + r" without"
    # "I can't say I haven't", "I wouldn't say no"
    r"|\b(?:can'?t|cannot|can not|couldn'?t|could not|wouldn'?t|would not) (?:honestly |really"
    r" |truthfully )?say (?:that )?(?:i )?(?:" + _NEG_AUX + r"|never|no)\b"
    # "I'd be lying if I said no", "I wish I could say I haven't"
    r"|\blying if i (?:said|say|told you) (?:that )?(?:i )?(?:" + _NEG_AUX + r"|never|no|not)\b"
    r"|\bwish i could (?:say|tell you) (?:that )?(?:i )?(?:" + _NEG_AUX + r"|never|no|not)\b"
    # "it never goes away", "they haven't gone away", "never far from my mind", "can't deny it"
    r"|\b(?:never|" + _NEG_AUX + r") (?:really |ever |fully |completely |quite )?(?:go|goes|went"
    r"|gone) away\b"
    r"|\b(?:never|not|isn'?t|is not) (?:far from|out of) my (?:mind|head|thoughts)\b"
    r"|\b(?:can'?t|cannot|won'?t|couldn'?t) deny\b"
)
"""Negative words that mean yes; read before anything else and blanked."""
HEDGED_NO_RE = (
    r"\b(?:can'?t|cannot|can not|couldn'?t|could not|wouldn'?t|would not) (?:honestly |really"
    r" |truthfully )?say (?:that )?(?:i )?(?:have|do|did|so|i have)\b"
)
""""I can't say I have", "I wouldn't say so": a no, read before "can't say" (not sure) and "I have"."""
NEUTRAL_RE = (
    r"\bno matter (?:what|how|when|where|who|if)\b|\bnot (?:gonna|going to) lie\b|\bngl\b"
    r"|\bno offen[cs]e\b|\b(?:that|this|those|these) (?:kind|sort)s? of (?:thing|stuff)s?\b"
    r"|\bstuff like that\b|\bthings like that\b"
    r"|\b(?:sir|ma'?am|madam|bro|dude|buddy)\b"
)
"""Idioms and forms of address that answer nothing ("no matter what", "that kind of thing", "no sir");
blanked before any field's phrases."""
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|a few|a couple|several|once|twice)"
ESTIMATE_RE = r"\b(?:maybe|perhaps|probably)(?= (?:like |around |about |roughly )?" + _NUMBER + r"\b)"
""""Maybe like 3 or 4 nights": an estimate of how often, not "not sure"."""
_ONLINE = r"virtual(?:ly)?|online|video|zoom|telehealth|from home|remote(?:ly)?"
_RIDE = r"car|ride|transport|transportation|license|licence"
FEELING_HOW_OFTEN_RE = (
    r"\b(?:tired|exhausted|worn out|sleepy|busy|stressed|overwhelmed|sad|anxious|down)"
    r" (?:all the time|a lot|constantly|every day|often)\b"
)
""""Exhausted all the time": how a feeling goes, not a yes to the question asked."""
NO_SYMPTOM_RE = (
    r"\b(?:no|not any|without|never (?:had|get|got)(?: any| a)?) (?:shakes|shaking|sweats|sweating|headaches?"
    r"|nausea|symptoms|withdrawals?|seizures?|problems|issues)(?: (?:or|and) (?:anything|nothing"
    r"|stuff|whatever))?\b"
)
""""No shakes or anything": a symptom named to deny it (a no to the withdrawal question)."""
_NO_AROUND = re.compile(
    r"^(?:no+|nope|nah+|naw|never)\b.*\b(?:(?<!would )(?<!will )(?<!could )(?<!i'd )(?<!id )never"
    r"|not at all|nothing like that|(?:or|nor) anything like that|of course not|not really|no+|nope|nah+"
    r"|(?:but |no )?not (?:that|like that))$"
)
"""A no said first and last, with an aside between ("no of course not, i get snippy with my ex sometimes
but nothing like that", "no. i miss her every day, but no, not that"): the aside's "sometimes" or
"every day" answers nothing. "i would never" is not such a last
word: it denies acting, not the thoughts asked about ("no, i think about it a lot but i would never")."""
_WOULD_NEVER_TAIL = re.compile(
    r"(?:,? (?:but|and))?,? i(?: would|'d|d| will)? never(?: do (?:that|it|anything like that))?$"
)
""""..., i would never" after a closing no ("... but nothing like that, i would never"): read the no
before it. Alone it closes nothing ("no, i think about it a lot but i would never" stays unread)."""
_STRONG_YES = re.compile(
    r"\b(?:yes+|yeah?|yep|yup|all the time|constantly|every (?:day|night)|a lot|often|think about (?:it|that"
    r"|dying|death|suicide|killing|hurting|ending))\b"
)
"""An aside that says yes outright ("no i think about it all the time but nothing like that"): the no
around it does not close the answer, which is asked again."""
_CONTRAST_CLOSE = re.compile(
    r"^(?:no+|nope|nah+|naw|never)\b.*\bbut (?:no )?(?:not (?:that|like that)|nothing like that|never that)\b"
    r"(?P<tail>.*)$"
)
"""A no first, then "but not that" after an aside about something else ("no. tired, yes, every single day,
but not that. i have three kids who need me"): the contrast says the aside is not what was asked, so its
"yes" or "every day" answers nothing, unless what follows says yes again."""
_ASKED_YES = re.compile(
    r"\bthink(?:ing)? (?:about|of) (?:it|that|dying|death|suicide|killing|hurting|ending)\b"
    r"|\bwish(?:ed)? i (?:was|were) dead\b|\bwant(?:ed)? to die\b"
)
"""Words that say yes to the asked thing itself; no contrast closes them."""
BOOLEAN: tuple[tuple[Value, str], ...] = (
    (_ASIDE, FEELING_HOW_OFTEN_RE),
    (True, AFFIRMING_NEGATION_RE),
    (False, HEDGED_NO_RE),
    (_UNSURE, UNSURE_RE),
    (False, NO_RE),
    (True, YES_RE),
)

PATTERNS: dict[str, tuple[tuple[Value, str], ...]] = {
    "functioning": (
        (
            _ASIDE,
            r"\bhelp(?:s|ed|ing)? (?:me |out |me out )?(?:a lot|quite a bit)\b|\bthanks a lot\b|"
            + ESTIMATE_RE,
        ),
        (_UNSURE, UNSURE_RE),
        (
            "severe",
            r"\b(?:(?:some|most) days )?(?:i )?(?:can'?t|cannot|can not|unable to|don'?t|do not) (?:even )?"
            r"(?:get out of bed|shower|wash|eat|function|take care of myself|look after myself|do anything"
            r"|manage)\b"
            r"|\bbasic (?:daily )?(?:tasks|things)\b|\bnot functioning\b",
        ),
        (
            "significant",
            r"(?<!n't )(?<!dont )(?<!never )\bmiss(?:ing|ed)? (?:a lot of |a few |a couple(?: of)? "
            r"|several |(?:\d+|two|three|four|five|six) )?(?:(?:days|weeks) (?:of )?)?"
            r"(?:work|school|class|classes|shifts|days|practice|practices|meetings|appointments|deadlines)\b"
            r"|(?<!not )(?<!never )(?<!n't )\bbehind (?:in|on|at|with) "
            r"(?:\d+ |two |three |my |a few |several |all my |all of my )?"
            r"(?:classes|class|school|work|assignments|bills|payments|deadlines)\b"
            r"|^(?:honestly |tbh )?(?:it'?s |it is )?(?:really|pretty|very|quite) bad(?: honestly| tbh)?$"
            r"|\baffect(?:s|ing|ed)? (?:everything|every part)\b"
            r"|\b(?:my )?(?:job|work|grades|marriage|relationships?) (?:is |are |has been |have been )?"
            r"suffering\b"
            r"|\bhard to get through (?:the|a|each) day\b"
            r"|\bcall(?:s|ed|ing|in'?)? (?:out|in sick)\b"
            r"|\b(?:can'?t|couldn'?t) (?:make|get) myself (?:to )?go\b"
            r"|\bisolat|\bwithdraw(?:n|ing) from\b"
            r"|\bbarely\b|\bfalling behind\b|\blost my job\b|\bquite a bit\b|\ba lot\b"
            r"|\bsignificant(?:ly)?\b|\bcan'?t (?:focus|concentrate|work|study)\b"
            r"|\bmoderate(?:ly)?\b|\bnot back (?:at|to) (?:work|school|class)\b"
            r"|\bstopped (?:seeing|going out with|hanging out with|talking to) (?:my )?"
            r"(?:friends|people|anyone)\b",
        ),
        (
            "mild",
            r"\ba (?:little|bit|tiny bit)(?: bit)?\b|\bslightly\b|\bsomewhat\b|\bmild(?:ly)?\b"
            r"|\bsome days\b|\bsometimes\b|\bnot much\b|^some$"
            r"|^(?:it'?s |it is )?not (?:too|that|so) bad$|\bkind ?of\b|\bkinda\b|\bsort ?of\b|\bsorta\b"
            r"|\bstill (?:get(?:ting)?|go(?:ing)?|mak(?:e|ing) it) (?:to )?(?:work|school|class)\b"
            r"|\baffects? me (?:some|a little|a bit|somewhat)\b"
            r"|\bstill (?:get|getting) (?:most|some) (?:things|stuff) done\b|\bi (?:get|manage to get) by\b"
            r"|\b(?:rusty|shaky|slow|tired|wobbly) but (?:still )?(?:functioning|managing|getting by)\b"
            r"|\b(?:my )?(?:grades|work|performance|attendance) (?:is |are |has been |have been )?"
            r"(?:slipping|dropping)\b",
        ),
        (
            "none",
            r"\bnot at all\b|\bnot really\b|\bno (?:problems?|effect|impact|change)\b|\bfine\b"
            r"|\bdoing (?:ok|okay|well|good)\b|\bnone\b|\bnope\b|\bno\b|\bnormal\b",
        ),
    ),
    "current_care": (
        (_ASIDE, ESTIMATE_RE),  # "maybe once a month": how often, not "not sure"
        (_UNSURE, UNSURE_RE),
        (
            "none",  # "nothing since i got discharged last spring": no care now
            r"\b(?:nothing|none|no one|nobody|no (?:therapy|treatment|therapist)) since (?:i )?"
            r"(?:got |was |left )?(?:discharged|out|left|finished)\b(?: (?:from|of) (?:the |my )?\w+)?",
        ),
        (
            "stepping_down",
            r"\bstep(?:ping)? down\b|\b(?:left|leaving|finished|finishing|discharged from"
            r"|got out of|getting out of|out of|completed|coming out of|came out of) "
            r"(?:an? |the |my )?(?:rehab|hospital|inpatient|residential|php|partial|detox"
            r"|treatment center|psych ward)"
            r"|\b(?:still|currently|right now) (?:in|at) (?:an? |the )?(?:rehab|inpatient|residential|php"
            r"|partial|detox|treatment center|hospital)\b|\bdischarg(?:e|ed|ing)\b"
            r"|\b(?:i'?m|i am) (?:in|at) (?:an? |the )?(?:php|partial|rehab|inpatient|residential|detox)\b",
        ),
        (
            "weekly_not_helping",
            r"\b(?:not|isn'?t|doesn'?t|don'?t|never|hasn'?t|haven'?t) (?:really )?(?:been )?(?:really )?"
            r"(?:help|helping|helped|working|work|worked|enough)\b|\bno help\b|\buseless\b"
            r"|\bnot making (?:a |any )?difference\b|\bnot doing (?:much|anything|a lot|enough)\b"
            r"|\b(?:isn'?t|is not|not|aren'?t|are not) (?:really )?keeping up\b|\bnot cutting it\b"
            r"|\b(?:sometimes|once a month|every (?:other|few) (?:weeks?|months?)) but that'?s (?:it|all)\b"
            r"|\bnot (?:really )?(?:moving the needle|making (?:much |any )?progress"
            r"|getting (?:me )?anywhere)\b"
            r"|\bnothing(?: i?s| has| really)? (?:chang(?:es|ing|ed)|getting better|improving)\b",
        ),
        (
            "none",
            r"^(?:no|nope|nah|naw) (?:nothing|none|nobody|no one)\b"
            r"(?! (?:but|except|besides|other than|apart|yet))|"
            r"^(?:no|n|nope|none|nothing|nah|not really|not at the moment|not currently"
            r"|not right now)$|^(?:nothing|none)\b(?! (?:but|except|besides|other than|apart|yet))"
            r"|\b(?:never|haven'?t|have not|hasn'?t) (?:ever )?(?:seen|had|done|tried|been to) (?:a |any )?"
            r"(?:therapist|counselor|counsellor|psychiatrist|therapy|counseling|counselling|treatment)\b"
            r"|^(?:no|nope|nah|never)(?: (?:no|nope|never|i haven'?t|i have not|not really))*$"
            r"|\b(?:nothing|none|no one|nobody|not) (?:at the moment|right now|now|rn|atm"
            r"|currently|at present|these days|anymore|any more|since)\b"
            r"|\bnot (?:in|getting|seeing|doing) (?:any )?(?:therapy|treatment"
            r"|care|anyone|anybody|a therapist|a counselor)\b|\bno (?:therapy|treatment|care"
            r"|therapist|counselor|one|psychiatrist)\b|\b(?:don'?t|do not) (?:have|see) "
            r"(?:a |any )?(?:therapist|counselor|psychiatrist|one|anyone)\b|\bnobody\b"
            r"|\bstopped (?:going to|seeing) (?:my |a |the )?(?:therapist|counselor|counsellor|psychiatrist"
            r"|therapy|counseling|counselling)\b|\bnever (?:been|gone|went) (?:to|in) (?:therapy|treatment"
            r"|counseling|counselling|a therapist|a counselor)\b"
            r"|\bnothing (?:clinical|professional|formal)\b"
            r"|\bno (?:professional|clinical|formal) (?:help|care|treatment)\b",
        ),
        ("weekly_helping", r"\bhelps?\b|\bhelping\b|\bhelpful\b|\bworking\b|\bgoing well\b"),
    ),
    "suicide_behavior": (
        (_UNSURE, AFFIRMING_NEGATION_RE),  # a yes without a time: ask again, never read "don't" as never
        (_UNSURE, UNSURE_RE),
        (
            "past_3_months",
            r"\b(?:last|past|this) (?:few |couple of |\d |one |two |three )?(?:days?|weeks?"
            r"|months?)\b|\brecent(?:ly)?\b|\byesterday\b|\btoday\b|\blast night\b"
            r"|\b(?:days|weeks) ago\b|\b(?:a|one|two|three|1|2|3) months? ago\b",
        ),
        (
            "over_3_months_ago",
            r"\byears? ago\b|\b(?:last|a) year\b|\blong (?:time )?ago\b|\bwhen i was\b"
            r"|\bin (?:high |middle )?school\b|\bas a (?:kid|teen|teenager|child)\b"
            r"|\b(?:several|many|\d+|four|five|six|seven|eight|nine|ten|eleven) months ago\b"
            r"|\ba while (?:back|ago)\b|\bin the past\b",
        ),
        ("never", NO_RE),
    ),
    "withdrawal": (
        # "I sleep badly if I skip a night, nothing more than that": the symptom is the answer
        (_ASIDE, r"\bnothing (?:more|worse) than that\b"),
        (  # "if i dont drink i get the shakes", "on the nights I don't drink I'm jittery": the condition
            _ASIDE,
            r"\b(?:if|when|whenever|once) i (?:don'?t|do not|didn'?t|can'?t|cannot) (?:drink|use|smoke"
            r"|take (?:it|them|any|my)|have (?:it|them|any|my|a drink|one))\b"
            r"|\b(?:on )?(?:the |those )?(?:nights?|days?|mornings?|weekends?) (?:when |that )?i "
            r"(?:don'?t|do not|didn'?t) (?:drink|use|smoke)\b",
        ),
        (  # "sweats if i skip a night. never had a seizure or anything": the sweats are the answer
            _ASIDE,
            r"(?<=\w )(?:but |and )?(?:i'?ve |i have )?(?:never|not|no|nothing like) (?:had |get |got )?"
            r"(?:any |a )?(?:seizures?|fits?|dts|hallucinations?|seeing things)"
            r"(?: or (?:anything|nothing)(?: like that)?)?\b",
        ),
        # "no i dont get sick if i skip a day, just grumpy": the sickness is denied, the rest is told
        (
            _ASIDE,
            r"\b(?:don'?t|do not|never|doesn'?t|won'?t|didn'?t) (?:really )?(?:get|got|feel)"
            r" (?:really |very )?sick\b",
        ),
        (_UNSURE, UNSURE_RE),
        ("none", NO_SYMPTOM_RE),
        (
            "severe",
            r"\bseizures?\b|\bfits\b|\bdts\b|\bd t s\b|\bdelirium\b|\bhallucinat|\bseeing things"
            r"|\bsick without\b|\b(?:really|very|so) sick\b|\bget sick\b|\bvomit|\bthrow(?:ing)? up"
            r"|\bshak(?:e|es|ing) (?:badly|bad|a lot|really bad)\b|\b(?:really )?bad (?:shakes|tremors)\b",
        ),
        (
            "mild",
            r"\bshak(?:y|es|ing)\b|\ba (?:little|bit)\b|\bmild(?:ly)?\b|\bslight(?:ly)?\b"
            r"|\bheadaches?\b|\birritable\b|\b(?:can'?t|couldn'?t|could not) sleep\b"
            r"|\btrouble sleeping\b|\bsweat|\b(?:don'?t|do not|barely) sleep\b"
            r"|\bnothin(?:g|')? (?:(?:i'?d|id|i would) (?:call|say is|consider) )?(?:major|serious|crazy|bad"
            r"|too bad|big|severe|dramatic|scary|wild)\b"
            r"|\bcrash(?:es|ing)?(?: (?:hard|bad))?\b|\bfeel(?:s|ing)? like (?:garbage|crap|trash|shit|junk"
            r"|a zombie)\b"
            r"|\b(?:slept|sleep|sleeping) (?:kind of |kinda |really |pretty |so )?"
            r"(?:badly|bad|poorly|terribly)\b"
            r"|\b(?:bad|poor|rough|no) sleep\b|\binsomnia\b|\bjittery\b|\brestless\b|\banxious\b"
            r"|\bsleep (?:a (?:little|bit) )?(?:worse|less)\b"
            r"|\b(?:moody|cranky|grumpy|crabby|on edge|edgy)\b"
            r"|\bno (?:appetite|energy)\b|\b(?:lose|lost|losing) (?:my )?appetite\b",
        ),
        (
            "none",
            r"\bnothing\b|\bfine\b|\bnone\b|\b(?:don'?t|do not|never) (?:drink|use|do drugs|smoke)\b"
            # "im sober, 3 years in march": months or years without use ("sober 2 days" leaves it open)
            r"|\b(?:i'?m|im|i am|been|stayed|staying) sober(?: (?:for|since))?(?: (?:\d+|a|one|two|three"
            r"|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many|a few|a couple of))?"
            r"(?: (?:years?|yrs?|months?)\b| ?$)"
            r"|\bnot applicable\b|\bdoesn'?t apply\b|" + NO_RE,
        ),
    ),
    "substance_use": (
        (
            _ASIDE,
            ESTIMATE_RE + r"|\bdepends on the (?:week|day|month)\b"
            r"|\b(?:don'?t|do not|never) (?:use|do|take|touch) (?:anything|any) (?:else|other)\b"
            r"|\bnothing else\b"
            # "kratom every day. no alcohol": another substance denied beside the one used
            r"|(?<=\w )(?:but |and |though )?no (?:alcohol|booze|drinking|drugs|weed|pills|opioids"
            r"|other drugs)\b",
        ),
        (_UNSURE, UNSURE_RE),
        ("occasional", r"\bnot (?:a lot|much|often|that much|every day|daily)\b"),
        (
            "regular",
            r"\bevery ?(?:day|night|week|weekend|shift|evening|layover|show|gig)\b"
            r"|\bdaily\b|\bnightly\b|\bweekly\b"
            r"|\b(?:(?:[1-7]|one|two|three|four|five|six) (?:or|to) )?(?:a few|few|a couple(?: of)?"
            r"|couple(?: of)?|several|[1-7]|one|two|three|four|five|six|seven) (?:times|days|nights)"
            r" (?:a|per|each|every) week\b"
            r"|\b(?:once|twice) (?:a|per) week\b|\bmost (?:days|nights|weekends|weeks|weekdays|evenings)\b"
            r"|\bevery weekday\b"
            # "three or four pours a night", "a few pills a day": an amount every day
            r"|\b(?:\d+|one|two|three|four|five|six|a few|a couple(?: of)?|couple|once|twice)"
            r"(?: (?:or|to) (?:\d+|two|three|four|five|six|seven|eight))?(?: \w+)? (?:a|per|each) "
            r"(?:night|day|evening)\b"
            r"|\ball the time\b|\ba lot\b|\bregular(?:ly)?\b|\bconstantly\b|\bheavily\b"
            # "a 12 pack friday and saturday": a large amount at a time
            r"|\b(?:12|twelve|18|24|30)[- ]?pack\b|\ba (?:case|fifth|5th) (?:of|a|every|each|per|on|most)\b"
            r"|\bevery (?:other|2|two|3|three|couple(?: of)?|few) days\b",
        ),
        (
            "occasional",
            r"\boccasional(?:ly)?\b|\bsometimes\b|\brarely\b|\bonce in a while\b|\bsocially\b"
            r"|\b(?:once|twice|(?:a )?(?:few|couple)(?: of)? times|\d+ times|two times|three times)"
            r" (?:a|per|each|every) (?:month|year)\b"
            r"|\bspecial occasions\b|\bnow and then\b|\bmonthly\b|\bhardly\b"
            # a small amount with no frequency said ("a drink or two on the weekend", "a couple beers on
            # fridays"); said with "every night" or "most weekends", the regular reading wins
            r"|\b(?:a|one) (?:drink|beer|glass|glass of wine|cocktail) or two\b"
            r"|\b(?:one|1) or (?:two|2) (?:drinks|beers|glasses)\b"
            r"|\ba couple(?: of)? (?:drinks|beers|glasses)\b"
            r"|\b(?:a|one) (?:drink|beer|glass|glass of wine|cocktail) (?:on|at) (?:the )?weekends?\b",
        ),
        (
            "none",
            r"\bsober\b|\b(?:don'?t|do not) (?:really )?(?:drink|use|do drugs|smoke)\b"
            r"(?! (?:much|a lot|that much|too much|as much|often|that often))|\bnot at all\b"
            r"|\bnone\b|\bnothing\b|\bclean\b|\bnever\b|\bnope\b|\bno\b|\bnah+\b|\bnaw\b"
            r"|^(?:0|zero|n|nada)$",
        ),
    ),
    "medically_unstable": (
        # "im healthy", "physically i'm fine": no medical problem ("not healthy" is left to the rest)
        (
            False,
            r"^(?:i'?m |i am |im )?(?:pretty |very |totally |perfectly )?(?:healthy|in good health)\b"
            r"|\b(?<!not )(?<!n't )(?:i'?m|i am|im) (?:pretty |very |totally |perfectly )?healthy\b"
            r"|\bphysically (?:i'?m |i am |im )?(?:fine|ok(?:ay)?|healthy|good)\b"
            # "high blood pressure and a bad knee, both under control": treated, not unstable
            r"|(?<!not )(?<!n't )(?<!nt )(?<!never )\b(?:both|all|is|are|it'?s|its|they'?re|everything'?s"
            r"|kept|keeps? (?:it|them)) (?:(?!not\b|never\b)\w+ )?under control\b"
            r"|\bwell (?:controlled|managed)\b"
            r"|(?<!not )(?<!n't )(?<!nt )\b(?:both|all|is|are|it'?s|its|they'?re) (?:controlled|managed)\b"
            r"|\botherwise (?:healthy|fine|good|ok(?:ay)?)\b"
            r"|\b(?:don'?t|do not|not|no) need (?:a |the |to go to (?:the |a )?|to be in (?:the |a )?)?"
            r"hospital\b"
            r"|\b(?<!not )(?:healthy|fine|good|ok(?:ay)?) otherwise\b"
            r"|\b(?<!not )(?:fine|ok(?:ay)?|good|healthy) (?:physically|medically|health ?wise)\b"
            # "doc says i'm fine", "nothing she's worried about right now"
            r"|\b(?:doc|doctor|dr|gp|pcp)(?: \w+)? (?:says|said|thinks|told me) (?:that )?(?:i'?m|im|i am"
            r"|everything'?s|its|it'?s|i'?m doing) (?:fine|ok(?:ay)?|good|healthy|stable)\b"
            r"|\bnothing (?:she|he|they|the doctor|my doctor|doc|anyone)(?:'s|'re| is| are|s)? (?:too )?"
            r"(?:worried|concerned) about\b",
        ),
        *BOOLEAN,
    ),
    "safe_home": (
        (_UNSURE, UNSURE_RE),
        (
            False,
            r"\bhomeless\b|\bon the streets?\b|\bcouch ?surf|\bshelter\b|\bnot (?:safe|stable)\b"
            r"|\bunsafe\b|\babusive\b|\bkicked out\b|\bnowhere to (?:live|go|stay)\b"
            r"|\bno (?:home|place)\b",
        ),
        (False, NO_RE),
        (True, r"\bsafe\b|\bstable\b|\bmy (?:own )?(?:place|home|apartment|house)\b|" + YES_RE),
    ),
    "can_attend": (
        (_UNSURE, UNSURE_RE),
        # "a mix of in person and online would be ideal but either works": in person is possible
        (
            "in_person",
            r"\bno problem\b|\bnot a problem\b|^.*\beither (?:works|is fine|one|way|is ok(?:ay)?)\b.*$"
            r"|^(?:either|both|either one|both work|whichever)$",
        ),
        (
            "virtual_only",
            # "only online, i cant get childcare", "would online be allowed? that's the only way i could do
            # it": online alone, whatever reason follows
            rf"^(?!.*\b(?:{_ONLINE}) (?:won'?t|wouldn'?t|doesn'?t|isn'?t|is not|not|can'?t|is out)\b)"
            rf"(?!.*\b(?:no|not|can'?t|cannot|don'?t|won'?t) (?:do )?(?:{_ONLINE})\b)"
            rf"(?=.*(?:(?<!person )\bonly (?:do |be |go |via |through |by )?(?:{_ONLINE})\b"
            rf"|\b(?:{_ONLINE}) only\b|\b(?:{_ONLINE})\b.*\bthe only way\b)).*$"
            # "online only pls, no car": having no way to get there is the reason, not a second answer
            rf"|\b(?:{_ONLINE})\b.*\bno (?:{_RIDE})\b|\bno (?:{_RIDE})\b.*\b(?:{_ONLINE})\b"
            rf"|\b(?:{_ONLINE})\b",
        ),
        (
            "no",
            r"\b(?:don'?t|do not|dont) (?:think|know if) i (?:could|can)\b"  # before "i could" reads a yes
            r"|\bcan'?t\b|\bcannot\b|\b(?:probably|prob|prolly) not\b|\bno way\b|\bnot possible\b"
            r"|\bimpossible\b"
            r"|\btoo (?:much|many"
            r"|far|busy)\b|\bno (?:time|car|transport|transportation|ride)\b|\bnope\b|\bno\b|^n$"
            r"|\bnot really\b",
        ),
        ("in_person", r"\bin person\b|\bi can\b|\bi could\b|\bok(?:ay)?\b|" + YES_RE),
    ),
    "group_ok": (
        (  # "groups make me nervous ... but i'm willing to give it a shot": a hesitant yes
            "unsure",
            r"\b(?:(?:kinda|kind of|sort of|a (?:little|bit)|bit|pretty|really|very|so) )?"
            r"(?:nervous|anxious|scared|hate|hesitant|uncomfortable|shy)\b.*\b(?:but|though|tho)\b.*"
            r"\b(?:willing|give it a (?:shot|try|go)|try it|i'?ll try|i will try|open to"
            r"|yeah|yes|sure|ok|okay)\b"
            r"|^.*\b(?:but|though|tho)\b.*\b(?:i'?ll|i will|willing to|happy to|open to) "
            r"(?:give (?:it|them|groups?) a (?:shot|try|go)|try(?: it| them)?)\b.*$",
        ),
        (
            "unsure",
            UNSURE_RE + r"|\b(?:(?:kinda|kind of|sort of|a (?:little|bit)|bit|pretty|really|very|so) )?"
            r"(?:nervous|anxious|scared|hesitant)\b|\bdepends\b|\bi guess\b|\bi'?ll try\b"
            r"|\b(?:i'?ve |ive |i have )?never (?:done|tried|been (?:in|to)) (?:a |any )?groups?\b",
        ),
        ("yes", r"\bno (?:problem|prob|probs|worries)\b|\bnot a problem\b"),  # before "no" reads its no
        (
            "no",
            r"\bhate\b|\bnot (?:comfortable|for me|a fan)\b|\brather not\b|\buncomfortable\b"
            r"|\b(?:don'?t|do not) like\b|" + NO_RE,
        ),
        (
            "yes",
            r"\bfine\b|\bok(?:ay)?\b|^kk?$|\bhappy to\b|\bopen to\b|\bsounds good\b|\ball ?right\b"
            r"|\bi'?ll (?:sit in|do|join|go to) (?:a |the )?groups?\b"
            r"|\bi suppose\b|" + YES_RE,
        ),
    ),
}


_SECOND_WINS: Final[dict[str, tuple[tuple[Value, Value], ...]]] = {
    # "kinda, i still get to work but i've stopped seeing friends": the higher of two adjacent levels
    "functioning": (("significant", "severe"), ("mild", "significant")),
    "current_care": (("weekly_helping", "weekly_not_helping"),),  # "it helps a bit but it's not enough"
    "substance_use": (("occasional", "regular"),),  # "three or four nights a week, sometimes more"
    "group_ok": (("yes", "unsure"), ("no", "unsure")),  # "depends who's in it. other vets, sure"
    "withdrawal": (("none", "mild"),),  # "not really? i get sweaty and cranky but nothing wild"
}
"""Two readings of one answer, as pairs per field: the second of a pair is kept. For a level, the higher
of two adjacent ones, so staff never see less than was said; for a yes or a no said with a doubt, the
doubt."""


_CORRECTION: Final = re.compile(
    r"\b(?:no wait|oh wait|wait no|scratch that|or rather|make that|i mean|actually"
    r"|(?:that'?s|thats|that is) (?:a lie|not true|not right|wrong))\b"
)
_CORRECTABLE: Final = frozenset({"functioning", "current_care", "substance_use", "can_attend", "group_ok"})
"""Questions where an answer corrected in the same message is read after its last correction ("in person
is fine. oh wait, my car is in the shop. virtual then"). Not the safety questions, the withdrawal or the
medical one: there a correction that lowers risk is asked again, so that staff never see less than said."""


_LEAD_ANSWERS: Final = frozenset({"functioning", "current_care", "can_attend", "group_ok"})
"""Questions where a short first sentence that answers is the answer when the whole message gives none
("some. house is a mess and i snap at her"): the story after it tells why. Not the safety, substance,
withdrawal or medical questions, where what follows may say more than the first word."""
_LEAD: Final = re.compile(r"^\s*([^.!?;\n]{1,24}?)\s*[.!;\n]+\s*\S")
"""A short first sentence, ended by a full stop, "!" or ";" and followed by more."""
MAX_LEAD_WORDS: Final = 3


_HEDGE_IS_ASIDE: Final = frozenset({"functioning", "substance_use"})
"""Level questions where "idk" or "hard to say" beside a level above none is a hedge, not the answer: the
level is kept ("hard to say, maybe 3 or 4 nights a week"). A hedged "none" ("i need to get sober but i
dont know how") and a yes-or-no safety question with a hedge ("idk, maybe?") stay unread and are asked
again."""


def normalize(text: str) -> str:
    """Casefolded plain words: HTML removed, Unicode normalised, punctuation as spaces."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = re.sub("\U0001f44d[\U0001f3fb-\U0001f3ff]?", " yes ", text)  # thumbs up, any skin tone
    text = re.sub("\U0001f44e[\U0001f3fb-\U0001f3ff]?", " no ", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"[^\w']+|_", " ", text)
    text = re.sub(r"\ba(lot|little|bit)\b", r"a \1", text)  # "alot", "alittle", "abit"
    text = re.sub(r"\bnvr\b", "never", text)  # SMS shorthand
    return " ".join(text.split())


@lru_cache(maxsize=32)
def _compiled(field: str) -> tuple[tuple[Value, re.Pattern[str]], ...]:
    patterns = PATTERNS.get(field, BOOLEAN)
    return tuple((value, re.compile(pattern)) for value, pattern in patterns)


def parse_answer(field: str, text: str) -> Parsed:
    """A value for `field` from free text, `PREFER_NOT_SAY`, or None when unsure."""
    if field not in FIELDS:
        raise KeyError(field)
    if len(text) > MAX_ANSWER_CHARS:
        return None
    words = normalize(text)
    if not words:
        return None
    if re.search(PREFER_NOT_SAY_RE, words):
        return PREFER_NOT_SAY
    words = _without_neutral(words)
    if field in _CORRECTABLE:
        corrected = _after_correction(words)
        if corrected:
            value = _value(field, corrected)
            if value is not None:
                return value  # "a little. no, that's a lie, a lot": what the person settled on
    value = _value(field, words)
    if value is None and field in _LEAD_ANSWERS:
        return _lead_answer(field, text)
    return value


def _lead_answer(field: str, text: str) -> Parsed:
    """The value of a short first sentence ("some." in "some. house is a mess"), or None.

    Only when the rest of the message names no value of its own: "No. I miss work a lot" says two things
    and is asked again.
    """
    lead = _LEAD.match(text)
    if lead is None:
        return None
    words = _without_neutral(normalize(lead.group(1)))
    if not words or len(words.split()) > MAX_LEAD_WORDS:
        return None
    if _found(field, _without_neutral(normalize(text[lead.end(1) :])))[0]:
        return None
    return _value(field, words)


def _without_neutral(words: str) -> str:
    """Normalized words without the fillers that answer nothing (`NEUTRAL_RE`)."""
    return " ".join(re.sub(NEUTRAL_RE, " ", words).split())


def _after_correction(words: str) -> str:
    """The words after the last self-correction ("oh wait", "that's a lie", "i mean"), or ""."""
    ends = [found.end() for found in _CORRECTION.finditer(words)]
    return words[ends[-1] :].strip() if ends else ""


def _found(field: str, words: str) -> tuple[set[Value], bool]:
    """The values normalized `words` name for `field` (asides out), and if a negation meant yes."""
    found: set[Value] = set()
    affirming = False
    for value, pattern in _compiled(field):
        words, count = pattern.subn(" ", words)
        affirming = affirming or bool(count and pattern.pattern == AFFIRMING_NEGATION_RE)
        if count and value != _ASIDE:
            found.add(value)
    return found, affirming


def _value(field: str, words: str) -> Parsed:
    """The one value that normalized `words` give for `field`, or None."""
    said = words
    found, affirming = _found(field, words)
    if found == {True, False} and not affirming and _no_closes_the_aside(said):
        return False  # "no of course not, i get snippy sometimes but nothing like that, i would never"
    if field in _HEDGE_IS_ASIDE and found - {_UNSURE, "none"}:
        found -= {_UNSURE}  # "idk, somewhere between a little and a lot": the level said wins over the hedge
    for pair in _SECOND_WINS.get(field, ()):
        if found == set(pair):
            return pair[1]  # "a lot. some days i don't shower": the higher of two adjacent levels
    if len(found) != 1 or _UNSURE in found:
        return None
    return found.pop()


def _no_closes_the_aside(said: str) -> bool:
    """Whether a no said around an aside closes the answer, whatever the aside said.

    A no first and last (`_NO_AROUND`) with no outright yes, or a no first and "but not that" after the
    aside (`_CONTRAST_CLOSE`) with no yes to the asked thing ("no. i miss her every day, but no, not that").
    """
    if _NO_AROUND.search(_WOULD_NEVER_TAIL.sub("", said)) and not _STRONG_YES.search(said):
        return True
    closed = _CONTRAST_CLOSE.search(said)
    if closed is None or _ASKED_YES.search(said):
        return False
    return not re.search(YES_RE, closed.group("tail"))


def coerce(field: str, raw: object) -> Value:
    """A button payload or slot value as a field value; None when it is not a valid one."""
    if field not in FIELDS:
        raise KeyError(field)
    allowed = FIELDS[field]
    if allowed == BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        return None
    if isinstance(raw, str) and raw.strip() in allowed:
        return raw.strip()
    return None
