"""Offers and their answers (bot.dialogue): every yes/no offer has a next step for yes and for no."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.dialogue import (
    AFFIRM,
    DENY,
    OFFERS,
    answers_question,
    asks_for_clinical_act,
    asks_for_screening,
    asks_if_plan_pays,
    certain_intent,
    farewell,
    is_cancel,
    is_closing,
    is_preference_statement,
    next_step,
    reply_to_offer,
    yes_or_no,
)

ROOT = Path(__file__).resolve().parents[2]
OFFER_RE = re.compile(
    r"would you like|if you like, i can|if you'd like|is there anything else|i can ask a few questions", re.I
)
# Questions answered elsewhere: the forms' questions (validate_<form>) and the guard's safety question.
ANSWERED_ELSEWHERE = re.compile(r"^utter_ask_|^utter_safety_check_in$")


def _responses(generated: Path) -> dict[str, list[str]]:
    from ops.content import render_all  # the FAQ answers and crisis replies, rendered from content/

    found: dict[str, list[str]] = {}
    for path in [*ROOT.glob("data/responses/*.yml"), *render_all(generated)]:
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            found.setdefault(name, []).extend(str(v.get("text", "")) for v in variants)
    return found


def test_every_offer_in_the_responses_has_an_answer_for_yes_and_for_no(tmp_path: Path) -> None:
    offers = {
        name
        for name, texts in _responses(tmp_path).items()
        if not ANSWERED_ELSEWHERE.search(name) and any(OFFER_RE.search(t) for t in texts)
    }
    assert "utter_faq/candidate" in offers, "the FAQ answers were not read"
    missing = {name for name in offers if set(OFFERS.get(name, {})) != {AFFIRM, DENY}}
    assert not missing, f"offers without an answer for both yes and no in bot/dialogue.py: {missing}"


def test_the_offer_rules_say_what_the_table_says() -> None:
    rules = yaml.safe_load((ROOT / "data/rules/offers.yml").read_text())["rules"]
    for rule in rules:
        steps = rule["steps"]
        offer, intent = steps[0]["action"], steps[1]["intent"]
        actions = tuple(step["action"] for step in steps[2:] if "action" in step)
        assert reply_to_offer(offer, intent) == actions, rule["rule"]
    covered = {(r["steps"][0]["action"], r["steps"][1]["intent"]) for r in rules}
    # every offer that is a response of its own has its rules; FAQ answers' offers live in the table
    for offer, answers in OFFERS.items():
        if not offer.startswith("utter_faq/"):
            assert {(offer, intent) for intent in answers} <= covered, offer


def test_a_reply_that_is_not_yes_or_no_or_not_after_an_offer_plans_nothing() -> None:
    assert reply_to_offer("utter_faq/candidate", AFFIRM) == ("utter_screening_intro", "screening_form")
    assert reply_to_offer("utter_faq/candidate", "faq") == ()
    assert reply_to_offer("utter_faq/cost", AFFIRM) == ()
    assert reply_to_offer(None, AFFIRM) == ()


@pytest.mark.parametrize(
    ("text", "entities", "intent", "expected"),
    [
        ("ok well i have medicaid btw", ["insurance"], "faq", True),
        ("i live in 10001", ["zip_code"], "nlu_fallback", True),
        ("evenings would suit me best", ["schedule_slot"], "inform", True),
        ("im a veteran, army 2009 to 2015", ["population"], "inform", True),
        ("does medicaid pay for this?", ["insurance"], "faq", False),  # a question keeps its FAQ answer
        ("will medicaid pay for it or is it all out of pocket", ["insurance"], "faq", False),
        ("im getting discharged friday. can iop help after that", ["care_level"], "faq", False),
        ("my roommate drinks every night, does that matter if im doing iop", ["schedule_slot"], "faq", False),
        ("i need help for my depression its getting bad", ["specialty"], "share_feelings", False),
        ("i think my drinking is out of hand", ["specialty"], "nlu_fallback", False),  # a need, not a search
        ("we have no preferences", [], "inform", False),
        ("find programs near 10001", ["zip_code"], "find_program", False),  # its own rule searches
        ("my zip code is 78704, what iops are around here", ["zip_code"], "faq", True),  # a place given
        ("something trauma focused would be good", ["specialty"], "faq", True),  # worded as a wish
        ("she'd need one for teenagers", ["population"], "nlu_fallback", True),  # "one for": a wish
        ("lgbtq friendly if possible", ["population"], "faq", True),
        ("i think i need php, my psychiatrist said so", ["care_level"], "faq", False),  # no wish words
        ("is a trauma focused program better?", ["specialty"], "faq", False),  # a question
        ("something focused on alcohol would be good", ["specialty"], "share_feelings", True),  # a wish
        ("i need help with my alcohol use, its bad", ["specialty"], "share_feelings", False),  # a need
        ("evenings would be ideal for her", ["schedule_slot"], "share_feelings", True),
        ("would be good to be in a group with other veterans", ["population"], "faq", True),  # a wish
        ("i'm looking for an iop with evening hours", ["care_level"], "faq", True),
        ("i'm looking for some information about the iop program", ["care_level"], "faq", False),
        ("would it be good to be in a group with other veterans", ["population"], "faq", False),
        ("ballpark what does it cost out of pocket", ["insurance"], "faq", False),  # a question after a lead
        ("real question, how long is it if i pay out of pocket", ["insurance"], "faq", False),
        ("so out of pocket it is then", ["insurance"], "faq", True),
        ("yo what does it run with no insurance, i pay myself", ["insurance"], "faq", False),  # a lead
        ("hi so how much is it out of pocket", ["insurance"], "faq", False),
        ("and if the video freezes can i call in on the phone that day", ["care_format"], "faq", False),
        ("if possible evenings would be best", ["schedule_slot"], "faq", True),
        ("wondering if they have evening groups", ["schedule_slot"], "faq", False),  # an indirect question
        # a request to search, with a preference, searches whatever the classifier read
        ("can u search for her. alcohol, virtual", ["specialty", "care_format"], "faq", True),
        ("please look for something for depression", ["specialty"], "share_feelings", True),
        ("yes please, can you look for weekend programs for anxiety?", ["specialty"], "faq", True),
        ("can you look at whether my plan covers it? i have aetna", ["insurance"], "faq", False),
        # a request to look for programs searches with nothing given yet (the search asks where)
        ("Not right now on the questions, thanks. Can you just look for programs?", [], "faq", True),
        ("could you find me a program", [], "faq", True),
        ("pls search for some iops", [], "nlu_fallback", True),
        ("could you look up what iop costs", [], "faq", False),
        ("how do i find a program", [], "faq", False),
        ("can you find programs for my son", [], "human_handoff", False),
        # a search request the classifier read as a callback request (dev17)
        ("ok find me one. virtual, 60614", ["care_format", "zip_code"], "request_callback", True),
        ("find me someone to call me, evenings", ["schedule_slot"], "request_callback", False),
    ],
)
def test_preference_statements(text: str, entities: list[str], intent: str, expected: bool) -> None:
    assert is_preference_statement(text, entities, intent) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drinking mostly. And the anxiety I guess.", True),  # answers the search's question (dev17)
        ("i need help with my drinking", False),  # a need told gets its acknowledgement even then
        ("work is murder on my sleep and the anxiety gets worse when im tired", False),  # a feeling (dev7)
    ],
)
def test_a_feeling_that_answers_the_search(text: str, expected: bool) -> None:
    assert is_preference_statement(text, ["specialty"], "share_feelings", searching=True) is expected


@pytest.mark.parametrize(
    ("planned", "done", "expected"),
    [
        (("utter_help",), [], "utter_help"),
        (("utter_help",), ["utter_help"], "action_listen"),
        (("utter_screening_intro", "screening_form"), ["utter_screening_intro"], "screening_form"),
        (("utter_screening_intro", "screening_form"), ["utter_screening_intro", "screening_form"], None),
        (("utter_help",), ["utter_goodbye"], None),  # the turn went another way
        ((), [], None),
    ],
)
def test_next_step_follows_the_plan(planned: tuple[str, ...], done: list[str], expected: str | None) -> None:
    assert next_step(planned, done) == expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("nope thats it thanks", "deny", True),
        ("nah im good for now, thanks", "deny", True),
        ("no that's all", "faq", True),
        ("no thanks", "deny", False),  # a no to one offer: what else there is comes next
        ("no", "deny", False),
        ("that's it? how long is the program", "faq", False),
        ("im good with evenings", "inform", False),
        ("no, i think that covers everything", "deny", True),
        ("No, I believe that is everything. Good day.", "bot_challenge", True),
        ("ok she's up, gotta go. thank you!!", "thanks", True),  # a thanks with words of leaving
        ("thank you so much, have a good night, bye", "thanks", True),
        ("no, is all. adios", "deny", True),
        ("thanks, that helps", "thanks", False),  # a thanks alone gets "anything else?"
        ("bye the way, how much is it", "faq", False),
        ("no, i have to go to work in the mornings", "deny", False),
        ("maybe later", "deny", False),  # a decline of the offer: what else there is comes next
    ],
)
def test_a_no_or_thanks_that_ends_the_conversation(text: str, intent: str, expected: bool) -> None:
    assert is_closing(text, intent) is expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("ok yeah lets do the thing", "nlu_fallback", AFFIRM),
        ("sure why not", "nlu_fallback", AFFIRM),
        ("nah not today", "nlu_fallback", DENY),
        ("hmm what", "nlu_fallback", "nlu_fallback"),
        ("yes how much is it", "faq", "faq"),  # the classifier placed it: it keeps its intent
        ("no thanks, not ready for questions yet", "start_screening", DENY),
        ("nah", "affirm", DENY),
        ("no, how much does it cost", "faq", "faq"),
        ("no its fine, just curious", "inform", DENY),  # an inform with no preference in it
        ("yeah that works", "inform", AFFIRM),
        ("i guess", "inform", "inform"),
        ("not right now, i just needed to say it out loud i guess", "share_feelings", DENY),
        ("no not today, i just wanted to understand the options", "faq", DENY),
        ("maybe later", "deny", DENY),
        ("not right now, but how much does it cost?", "faq", "faq"),  # a question keeps its answer
        ("no, i just feel so alone lately", "share_feelings", "share_feelings"),  # a feeling, not a decline
        ("not yet. got a few questions first", "nlu_fallback", DENY),  # not understood, yet a decline
        ("maybe another time, I mostly wanted to ask about the other thing", "nlu_fallback", DENY),
        ("not right now, im at a truck stop. just wanna know how it works first", "faq", DENY),
        ("not right now, but i'm wondering if it's covered", "faq", "faq"),  # an indirect question
        ("I am not ready for a questionnaire. I would like information first.", "start_screening", DENY),
        ("not rn on the questions. i get like 10 min between feeds", "nlu_fallback", DENY),
        ("im not ready to stop drinking lol", "start_screening", "start_screening"),  # not a decline
        # the offer fits someone else, question or not (dev17)
        ("the questions are for my son, not me. can i ask you some things?", "start_screening", DENY),
        ("I think those are meant for him rather than me", "affirm", DENY),
        ("yes, for my son and me", "affirm", AFFIRM),
        # a request turned down in its own words (dev16)
        ("nah dont transfer me yet", "human_handoff", DENY),
        ("no, please don't call me", "request_callback", DENY),
        ("dont worry, transfer me", "human_handoff", "human_handoff"),
    ],
)
def test_an_unclear_reply_that_starts_with_yes_or_no(text: str, intent: str, expected: str) -> None:
    assert yes_or_no(text, intent) == expected


def test_a_no_that_gives_a_preference_keeps_it() -> None:
    assert yes_or_no("no, evenings would be better", "inform", preferences=True) == "inform"
    assert yes_or_no("no, evenings would be better", "inform", preferences=False) == DENY


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "expected"),
    [
        ("would my aetna plan pay for iop", "inform", 0.97, True),
        ("what if i only have saturdays free", "inform", 0.9, True),
        ("are there evening groups?", "nlu_fallback", 0.98, True),
        ("are there evening groups?", "nlu_fallback", 0.89, False),
        ("i only have saturdays free", "inform", 0.97, False),  # a statement
        ("how much is it", "faq", 0.97, False),  # already an FAQ question
        ("how do i know if i'm suicidal", "crisis", 0.99, False),
    ],
)
def test_a_question_the_classifier_did_not_place(
    text: str, intent: str, confidence: float, expected: bool
) -> None:
    assert answers_question(text, intent, confidence) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actually, never mind, don't call. i'm not ready yet", True),
        ("nvm", True),
        ("ok forget it", True),
        ("um scratch that, i changed my mind", True),
        ("cancel the callback please", True),
        ("I've changed my mind", True),
        ("never mind, how much does it cost?", False),  # a new question: it is answered
        ("never mind that, i meant evenings", False),  # a correction, not a cancel
        ("don't call me, email me instead", False),  # a contact preference
        ("i never mind group settings", False),
        ("my mind keeps racing", False),
        ("ok nvm bye", False),  # a goodbye
        ("actually no, stop, not today", True),  # only a stop
        ("let's stop here", True),
        ("ok actually i have to stop here, my break's over. i'll finish it later", True),  # a pause
        ("stop drinking is hard", False),
        ("i need to stop this, my drinking is out of control", False),
        ("a lot, i have to leave work early some days", False),
        ("can i stop iop and continue it later?", False),  # a question
        ("ugh my client is calling, gotta pause this, I'll pick it back up another time", True),
        ("crew scheduling just called. gonna have to pause the questions for now", True),
        ("i need to pause my meds, is that ok", False),
    ],
)
def test_a_message_that_takes_back_the_request(text: str, expected: bool) -> None:
    assert is_cancel(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok then can u just write me a script for lamictal", True),
        ("can you prescribe me something to help me sleep", True),
        ("can you diagnose me? pretty sure i have bipolar", True),
        ("what disorder do i have", True),
        ("can the program prescribe something for my anxiety?", False),  # a question about the program
        ("will the psychiatrist in iop diagnose me", False),
        ("can you give me information about cost", False),
        ("can you at least prescribe me something so i can sleep", True),
        ("do you think i have bipolar? my moods go up and down like crazy", True),
        ("can you tell me if i have adhd", True),
        ("hey can u book me an intake appt for tuesday at 2", True),
        ("then just book me an appointment for tuesday at 10am", True),
        ("ok well can you send my job a doctors note for last week, i missed 3 days", True),
        ("could u write me a letter for court", True),
        ("how do i book an intake appointment?", False),  # how the program books: an FAQ
        ("do you think i have to go every day?", False),
        ("do you think iop would help with my anxiety", False),
        ("can i get a note for work from the program?", False),
        ("could you sign off on my attendance sheet every week then", True),
        ("can u text my PO and tell him i looked into it today", True),
        ("Can you email me that list?", True),
        ("need a letter for court saying im in treatment. lawyer asked for one, can u send it to me", True),
        ("can you call me tomorrow", False),  # a callback
        ("will the program tell my boss", False),  # a question about confidentiality
    ],
)
def test_a_request_to_diagnose_or_prescribe(text: str, expected: bool) -> None:
    assert asks_for_clinical_act(text) is expected


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "expected"),
    [
        ("omg ok gotta run to class. bye!!", "nlu_fallback", 0.45, "goodbye"),
        ("alright that's good thank you very much I appreciate it goodbye", "nlu_fallback", 0.45, "goodbye"),
        ("Thanks, I'll pass this along to her parents.", "prefer_not_say", 0.83, "thanks"),
        ("muchas gracias, you help me very much", "nlu_fallback", 0.45, "thanks"),
        ("obrigada!! 💛", "crisis", 0.46, "thanks"),  # a weak reading; the safety layers still decide
        ("ok ty!! gotta go study 📚", "faq", 0.7, "thanks"),
        ("thanks, i have medicaid", "inform", 0.96, None),  # a confident content reading stays
        ("thanks but i still feel awful", "share_feelings", 0.94, None),
        ("all good, back to prep. later", "nlu_fallback", 0.3, "goodbye"),  # a leave-taking last (dev16)
        ("later", "nlu_fallback", 0.3, None),  # alone it may put an offer off
        ("thank you. what about cost?", "faq", 0.6, None),  # a question
        ("thanks, can someone call me", "request_callback", 0.6, None),  # a request
        ("i have a doctor appointment later", "inform", 0.5, None),
        ("maybe later", "deny", 0.98, None),
        ("nada mas, adios", "crisis", 0.97, "goodbye"),  # a crisis reading: the safety layers decide
        ("nothing else, gotta go sleep before my shift", "nlu_fallback", 0.45, "goodbye"),
        ("that's it, heading out", "faq", 0.6, "goodbye"),
        ("nothing else matters to me", "share_feelings", 0.6, None),  # no leaving words
    ],
)
def test_a_thanks_or_goodbye_that_asks_nothing(
    text: str, intent: str, confidence: float, expected: str | None
) -> None:
    assert farewell(text, intent, confidence) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a coworker did iop and said i should check. can you run me through whatever questions you have",
            True,
        ),
        ("ok lets do the questionnaire", True),
        ("sure ask me the questions", True),
        ("what questions will they ask me at intake?", False),
        ("do i have to go through an assessment before starting?", False),  # a question about intake
        ("what does the screening ask about?", False),
        ("the questions are too personal", False),
        ("could i redo the whole quiz from the beginning?", True),  # after a result one disputes
        ("i'd like to retake the screening", True),
        ("can i take the assessment before intake?", True),
        ("can my wife take the screening for me", False),
    ],
)
def test_a_request_to_be_taken_through_the_questions(text: str, expected: bool) -> None:
    assert asks_for_screening(text) is expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        (
            "my counselor thinks i need more structure rn, the cravings have been loud lately",
            "faq",
            "share_feelings",
        ),
        (
            "ive been restricting again since spring and my dietitian thinks i need more support",
            "faq",
            "share_feelings",
        ),
        ("i think i need php not iop, my psychiatrist said so", "faq", None),  # a level of care: a preference
        ("how do i know if i need more support than weekly therapy?", "faq", None),  # a question
        ("i've been drinking every night", "inform", None),  # the classifier's reading stays
        ("can you at least prescribe me something so i can sleep", "crisis", "out_of_scope"),
        ("ok lets do the questionnaire", "faq", "start_screening"),
        (
            "wait i meant 2 not 5. and it's more like 2 nights a month. can i fix that one",
            "nlu_fallback",
            "change_answer",
        ),
        (
            "oh wait hold on, can i go back to an earlier one? i said i wasnt seeing anyone",
            "faq",
            "change_answer",
        ),
        ("can i go back to work during iop?", "faq", None),
        ("ugh ok can i just talk to somebody who can actually schedule it", "faq", "human_handoff"),
        ("i want to talk to someone alone not in a group", "faq", None),  # individual therapy
        ("thanks. i would like to talk to a person about my bill", "thanks", "human_handoff"),
        ("i need to talk to someone about what happened to me", "faq", None),  # a need, not staff
        ("do i get to talk to someone one on one in iop?", "faq", None),
        ("i changed my mind, i want to do the screening", "faq", "start_screening"),  # not a stop
        ("trucker, gone for weeks. wife says i drink too much and shes not wrong", "faq", "share_feelings"),
        ("do you think i drink too much?", "faq", None),  # a question
        ("my grandson is 19 and lately he has been drinking every day", "nlu_fallback", "share_feelings"),
        ("this past year he has been drinking and smoking weed every day", "nlu_fallback", "share_feelings"),
        ("i think i need more help than weekly therapy", "share_feelings", "share_feelings"),  # for sure
        ("has he been drinking every day? how would i know", "faq", None),  # a question
        # a need told as what one drinks or goes through (dev16), not a program search or an FAQ
        (
            "so i bartend and i drink on shift. now im drinking on my nights off too",
            "nlu_fallback",
            "share_feelings",
        ),
        (
            "what troubles me is that i now need two or three glasses of wine to fall asleep",
            "faq",
            "share_feelings",
        ),
        ("i cant go up anymore without like 4 beers in me", "nlu_fallback", "share_feelings"),
        ("the weekend bumps have gotten away from me", "faq", "share_feelings"),
        ("lately I'm having panic attacks in my car between appointments", "nlu_fallback", "share_feelings"),
        ("im drinking less now", "nlu_fallback", None),
        ("drinking. too much", "nlu_fallback", "share_feelings"),
        # a habit told by its amount or its rhythm (dev17)
        ("every summer i get home from the boat and drink like its my job", "nlu_fallback", "share_feelings"),
        ("and i drink pretty much every night to stop checking my phone", "nlu_fallback", "share_feelings"),
        ("after the kids are down we finish a bottle of wine, most nights", "faq", "share_feelings"),
        ("i down 5 or 6 beers before a party so i can talk to people", "faq", "share_feelings"),
        ("my one glass at dinner has become a whole bottle", "faq", "share_feelings"),
        ("i pour a whiskey at 9 and lately its 3 or 4 of them", "faq", "share_feelings"),
        ("my depression is so bad i stopped answering the door", "faq", "share_feelings"),
        ("I get panic attacks on the highway", "faq", "share_feelings"),
        ("i dont drink every day, only weekends", "faq", None),  # a no
        ("i never finish a bottle", "faq", None),
        ("do you drink every night if you need iop?", "faq", None),  # a question
        ("yes, i drink every day", "inform", None),  # a yes answers what was asked
        ("is drinking too much a reason to go?", "faq", None),
        ("do i need a drink to relax?", "faq", None),  # a question
        ("is it getting out of hand if i drink every day?", "faq", None),
        ("what does it cost?", "faq", None),
        ("hola buenas tardes", "crisis", "greet"),
        ("hey there!", "faq", "greet"),
        ("hey, how much does it cost?", "faq", None),  # a greeting with a question
        ("who made you?", "nlu_fallback", "bot_challenge"),
        ("r u a bot", "faq", "bot_challenge"),
        ("who made you go to rehab?", "faq", None),
        # wordless messages: an emoji that answers, else not understood (never an FAQ answer)
        ("\U0001f44d", "faq", "affirm"),
        ("\U0001f44e\U0001f44e", "faq", "deny"),
        ("\U0001f643\U0001f643\U0001f643", "faq", "nlu_fallback"),
        ("???", "faq", "nlu_fallback"),
        ("\U0001f44d\U0001f44e", "faq", "nlu_fallback"),  # both
        ("ok \U0001f44d", "faq", None),  # words: the classifier reads them
        ("dont care honestly, whatever's closest", "nlu_fallback", "find_program"),
        ("just the closest one pls", "faq", "find_program"),
        ("what's the closest program to me?", "faq", "find_program"),
        ("is the nearest hospital far?", "faq", None),
        # a need told after a number of deeds is not a question ("did 2 tours" asks nothing)
        ("marine vet, did 3 deployments. my brother says i need help with drinking", "faq", "share_feelings"),
        ("did you say i need help?", "faq", None),
        # a request to be called is the callback form, whatever FAQ it resembles
        ("could somebody from your clinic phone me to go over it", "faq", "request_callback"),
        ("i'd like a callback tomorrow please", "nlu_fallback", "request_callback"),
        ("can one of these places just give me a call instead", "nlu_fallback", "request_callback"),
        # a question read as a callback request that asks no one to call is a question
        ("Would a program understand that I cannot promise every evening?", "request_callback", "faq"),
        ("is it possible to get a call tomorrow?", "request_callback", None),
        ("can someone follow up by text", "request_callback", None),
        ("can i call in to the group if my video freezes?", "faq", None),  # a question about virtual groups
        ("can i call you?", "faq", None),
        # a goodbye in which the person will make the call (dev17)
        ("Thanks so much. I will call them tomorrow morning. Bye!", "request_callback", "goodbye"),
        ("thanks, can you call me tomorrow. bye", "request_callback", "request_callback"),  # asks for it
        # a person asked for in a word or two (dev17)
        ("person pls", "nlu_fallback", "human_handoff"),
        ("real human please", "faq", "human_handoff"),
        ("personal stuff mostly", "nlu_fallback", None),
        # a request to change an answer in other words
        ("hold on, can i change what i said about drinking", "faq", "change_answer"),
        ("actually i want to change my last answer", "inform", "change_answer"),
        ("can i change my schedule later if i start?", "faq", None),
        # a bare ZIP code answers the ZIP question
        ("80205", "nlu_fallback", "inform"),
        ("zip code: 10001-1234", "faq", "inform"),
        ("802055", "nlu_fallback", None),  # six digits: no ZIP
        ("call me at 80205", "nlu_fallback", None),
        # a search named by its place
        ("any intensive outpatient programs around spokane that do evenings", "faq", "find_program"),
        ("are there programs near the train station?", "faq", None),  # a question about getting there
        ("is there a group around lunchtime", "faq", None),
    ],
)
def test_the_intent_a_message_has_whatever_the_classifier_read(
    text: str, intent: str, expected: str | None
) -> None:
    assert certain_intent(text, intent, 0.6) == expected


@pytest.mark.parametrize(
    ("text", "insurers", "expected"),
    [
        ("i have medicaid, would that pay for it", ["medicaid"], True),
        ("Is it likely that Medicare would pay for a program of this kind?", ["medicare"], True),
        ("i have medicaid", ["medicaid"], False),  # a statement: a preference
        ("how much is it without insurance?", ["self_pay"], False),  # no insurer
        ("also dying to know if my insurance even covers this lol", [], True),  # a plan the person has
        ("my insurance covers it", [], False),  # a statement
        ("would my life insurance pay out", [], False),  # not a health plan
    ],
)
def test_a_question_whether_a_plan_pays(text: str, insurers: list[str], expected: bool) -> None:
    assert asks_if_plan_pays(text, insurers) is expected


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "expected"),
    [
        (
            "night dispatcher, 12 hr shifts. i cant sleep and im drinking to get there",
            "inform",
            0.3,
            "share_feelings",
        ),
        ("the after service drinking has gotten away from me", "out_of_scope", 0.38, "share_feelings"),
        ("the after service drinking has gotten away from me", "out_of_scope", 0.9, None),  # sure of itself
        ("yes, i drink every day", "inform", 0.3, None),  # a yes answers what was asked
        ("i've been drinking every night", "inform", 0.9, None),
    ],
)
def test_a_need_told_wins_over_an_unsure_reading(
    text: str, intent: str, confidence: float, expected: str | None
) -> None:
    assert certain_intent(text, intent, confidence) == expected
