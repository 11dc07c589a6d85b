"""Free-text answers: values, "I'd rather not say", and None when unsure (the form re-asks)."""

from __future__ import annotations

import pytest

from bot.screening.answers import PREFER_NOT_SAY, Parsed, coerce, normalize, parse_answer
from bot.screening.engine import FIELDS

P = PREFER_NOT_SAY
BOOLEAN_FIELDS = [name for name, allowed in FIELDS.items() if allowed == (True, False)]

CASES: list[tuple[str, str, Parsed]] = [
    # booleans
    ("wish_dead", "yeah", True),
    ("wish_dead", "Yep.", True),
    ("wish_dead", "yes", True),
    ("wish_dead", "sometimes", True),
    ("wish_dead", "I have", True),
    ("wish_dead", "not really", False),
    ("wish_dead", "nope", False),
    ("wish_dead", "No", False),
    ("wish_dead", "I haven't", False),
    ("wish_dead", "never", False),
    ("suicidal_thoughts", "i don't think so", False),
    ("suicidal_thoughts", "not sure", None),
    ("suicidal_thoughts", "yes and no", None),
    ("suicidal_thoughts", "maybe", None),
    ("suicide_plan", "I'd rather not say", P),
    ("suicide_intent", "I don't want to answer that", P),
    ("harm_to_others", "pass", P),
    ("harm_to_others", "no way", False),
    ("medically_unstable", "what?", None),
    ("safe_home", "yes, it's safe", True),
    ("safe_home", "my own apartment", True),
    ("safe_home", "not safe", False),
    ("safe_home", "no, I'm couch surfing", False),
    ("safe_home", "I'm homeless", False),
    # functioning
    ("functioning", "I keep missing work and isolating", "significant"),
    ("functioning", "I can't even get out of bed", "severe"),
    ("functioning", "a little", "mild"),
    ("functioning", "not at all, I'm fine", "none"),
    ("functioning", "barely getting by", "significant"),
    ("functioning", "not really, just a little", None),
    # current care
    ("current_care", "I go to therapy weekly and it helps", "weekly_helping"),
    ("current_care", "I see a therapist but it's not helping", "weekly_not_helping"),
    ("current_care", "therapy hasn't worked", "weekly_not_helping"),
    ("current_care", "nope nothing rn", "none"),
    ("wish_dead", "no. i'm exhausted all the time but i've never wished i was dead", False),
    ("wish_dead", "yes, a lot", True),
    ("can_attend", "online only pls, no car", "virtual_only"),
    ("can_attend", "no car, so it would have to be on zoom", "virtual_only"),
    ("can_attend", "no car and i cant get there", "no"),
    ("current_care", "I just got out of the hospital", "stepping_down"),
    ("current_care", "finishing a PHP next week", "stepping_down"),
    ("current_care", "still in residential, discharge is next friday", "stepping_down"),
    ("current_care", "went to the campus counseling center once freshman year but nothing now", "none"),
    ("substance_use", "ok real talk its more like 5 or 6 beers after every shift", "regular"),
    ("substance_use", "most weeks maybe 5 nights, a couple glasses of wine with dinner", "regular"),
    ("withdrawal", "no shakes or anything, i sleep fine", "none"),
    ("withdrawal", "i get the shakes and no sleep", "mild"),
    ("withdrawal", "no seizures but bad shakes", None),
    ("withdrawal", "a bit shaky and sweaty the first couple nights but nothing major and it passed", "mild"),
    ("withdrawal", "lil shaky some mornings, nothin crazy", "mild"),
    ("functioning", "its bad ngl. been callin out of work like 2x a week", "significant"),
    ("substance_use", "eh couple times a month", "occasional"),
    ("can_attend", "probably not 3 to 5 days, I can't get that much time off work", "no"),
    ("group_ok", "groups make me nervous but im willing to give it a shot", "unsure"),
    ("current_care", "nothing. saw a counselor once years ago and never went back", "none"),
    ("current_care", "none, i've never had a therapist", "none"),
    ("current_care", "nothing but meetings", None),
    ("current_care", "i'm in a php at the moment, discharge is next week", "stepping_down"),
    ("current_care", "my counselor every week, it helps some but it's not enough", "weekly_not_helping"),
    ("current_care", "therapy every monday and it hasn't really been helping", "weekly_not_helping"),
    ("substance_use", "beer most nights, three or four a week, and sometimes at lunch", "regular"),
    ("substance_use", "a glass twice a month at family dinners, i don't use anything else", "occasional"),
    ("withdrawal", "trouble sleeping when i skip, nothing more than that", "mild"),
    ("withdrawal", "when i dont use im cranky and restless", "mild"),  # the condition is no answer
    ("withdrawal", "on days i don't drink i get sick", "severe"),
    ("withdrawal", "if i don't drink, nothing happens", "none"),
    ("group_ok", "not really a group person but i'll give it a try", "unsure"),
    ("group_ok", "a little nervous but yes", "unsure"),
    ("can_attend", "online would be easier but either is fine", "in_person"),
    ("group_ok", "kinda nervous about groups but ill try", "unsure"),
    ("wish_dead", "no, i have never wished i was dead, i have two kids and i want to be around", False),
    ("wish_dead", "I have", True),
    ("harm_to_others", "no of course not", False),
    ("harm_to_others", "no of course not, i snap at my ex sometimes but nothing like that", False),
    ("suicidal_thoughts", "no i think about it all the time, but i would never", None),  # denies acting only
    ("harm_to_others", "no of course not, i snap sometimes but nothing like that, i would never", False),
    # an aside that says yes outright: asked again
    ("suicidal_thoughts", "no i think about it all the time but nothing like that, i would never", None),
    ("wish_dead", "nah i wish i was dead every day but nothing like that", None),
    ("harm_to_others", "a bit", True),
    ("functioning", "alot", "significant"),  # typed as one word
    # bare letters and numbers, as SMS users answer (dev8)
    ("current_care", "n", "none"),
    ("substance_use", "0", "none"),
    ("substance_use", "10", None),  # a number alone says nothing about how often
    ("can_attend", "n", "no"),
    ("group_ok", "k", "yes"),
    ("suicidal_thoughts", "alittle", True),
    ("harm_to_others", "i took a week off and was a bit shaky and sweaty but it passed", None),  # a story
    ("harm_to_others", "nah, sometimes i think about hurting him but i'd never", None),
    ("wish_dead", "no, but sometimes i wish i could just disappear", None),  # the no is not the last word
    ("medically_unstable", "no im ok, liver numbers up a bit but nothing big or anything like that", False),
    ("suicidal_thoughts", "no, i haven't stopped thinking about it, never", None),  # a yes in a negative
    ("suicidal_thoughts", "noo", False),
    ("suicide_behavior", "no never, not once in my whole life", "never"),
    ("suicidal_thoughts", "i can't not think about it", True),  # still a yes
    ("current_care", "no", "none"),
    ("current_care", "I don't have a therapist", "none"),
    ("current_care", "I see a therapist", None),
    # suicide behaviour
    ("suicide_behavior", "never", "never"),
    ("suicide_behavior", "no", "never"),
    ("suicide_behavior", "last month", "past_3_months"),
    ("suicide_behavior", "a few weeks ago", "past_3_months"),
    ("suicide_behavior", "years ago, when I was a teenager", "over_3_months_ago"),
    ("suicide_behavior", "in the past month", "past_3_months"),
    ("suicide_behavior", "yes", None),
    ("suicide_behavior", "no, not recently", None),
    # withdrawal
    ("withdrawal", "I had a seizure once when I stopped", "severe"),
    ("withdrawal", "I get sick without it", "severe"),
    ("withdrawal", "DTs", "severe"),
    ("withdrawal", "a bit shaky", "mild"),
    ("withdrawal", "no", "none"),
    ("withdrawal", "i dont drink or do drugs", "none"),  # nothing to withdraw from
    # a second development set of conversations (2026-12-05), typed by someone new to the project
    ("functioning", "sorta i guess. still getting to work but im dragging myself thru the day", "mild"),
    ("current_care", "not rn. i stopped going to my counselor back in january", "none"),
    ("current_care", "no, never been to therapy or anything", "none"),
    ("group_ok", "not sure honestly, ive never done group before", "unsure"),
    ("harm_to_others", "no definitely not", False),
    ("harm_to_others", "definitely", True),
    ("withdrawal", "not applicable, I never use", "none"),
    ("withdrawal", "yes", None),
    # substance use: weekly or more often is regular
    ("substance_use", "a few times a week", "regular"),
    ("substance_use", "every day", "regular"),
    ("substance_use", "once a week", "regular"),
    ("substance_use", "every weekend", "regular"),
    ("substance_use", "once a month", "occasional"),
    ("substance_use", "socially, not often", "occasional"),
    ("substance_use", "not a lot", "occasional"),
    ("substance_use", "I don't drink", "none"),
    ("substance_use", "never", "none"),
    ("substance_use", "sober", "none"),
    # attendance
    ("can_attend", "yes", "in_person"),
    ("can_attend", "in person is fine", "in_person"),
    ("can_attend", "only online", "virtual_only"),
    ("can_attend", "zoom from home", "virtual_only"),
    ("can_attend", "no, I can't", "no"),
    ("can_attend", "no problem", "in_person"),
    ("can_attend", "not sure", None),
    # groups
    ("group_ok", "sure", "yes"),
    ("group_ok", "not sure", "unsure"),
    ("group_ok", "I'm nervous about it", "unsure"),
    ("group_ok", "kinda nervous about groups honestly", "unsure"),
    ("group_ok", "a little anxious about it", "unsure"),
    ("group_ok", "no", "no"),
    ("group_ok", "I hate groups", "no"),
    ("group_ok", "I'd rather not say", P),
    # an estimate is an answer, not "not sure"
    ("substance_use", "maybe like 2 or 3 nights a week, depends on the week", "regular"),
    ("substance_use", "probably four or five days a week", "regular"),
    ("substance_use", "maybe", None),
    # "helps a lot" and "that kind of thing" say nothing about daily life
    ("functioning", "only a little, the routine at work helps a lot", "mild"),
    ("functioning", "i called out sick twice, laundry piling up, that kind of thing", "significant"),
    ("functioning", "some mornings i cant make myself go in", "significant"),
    ("functioning", "therapy helps a lot", None),
    # care that ended is none now
    ("current_care", "i had a few sessions through work but nothing at the moment", "none"),
    ("current_care", "not anymore, my therapist moved away", "none"),
    # poor sleep is a mild withdrawal sign
    ("withdrawal", "i sleep pretty badly for a couple nights and thats it", "mild"),
    ("withdrawal", "when i stopped in may i slept really badly the first week", "mild"),
    # odd input
    ("wish_dead", "", None),
    ("wish_dead", "   ", None),
    ("wish_dead", "\U0001f642", None),
    ("wish_dead", "<b>yes</b>", True),
    ("wish_dead", "YES!!!", True),
    ("wish_dead", "ｙｅｓ", True),
    ("wish_dead", "no\u200b", False),
    ("wish_dead", "yes " * 200, None),
    ("group_ok", "I don\u2019t like groups", "no"),
    # two adjacent levels in one answer: the higher one
    ("functioning", "pretty much a lot, most days i cant even shower", "severe"),
    ("functioning", "a lot", "significant"),
    ("functioning", "i dont miss work or anything", None),  # a denial of missed work is no impairment
    ("functioning", "a little, some days", "mild"),
    # no care now, said as a denial or after a discharge long ago
    ("current_care", "nope, nothing since i left the hospital", "none"),
    ("current_care", "no i haven't", "none"),
    ("current_care", "never no", "none"),
    ("current_care", "getting discharged from residential friday", "stepping_down"),
    ("substance_use", "most weekdays after work, a few beers", "regular"),
    # an eleventh development set of conversations (2026-12-06): care that is too little, hedged answers
    ("current_care", "a social worker every few weeks but that's all", "weekly_not_helping"),
    ("current_care", "she is nice but she isn't keeping up with how bad it got", "weekly_not_helping"),
    ("current_care", "probably twice a month, it's not doing much", "weekly_not_helping"),
    ("current_care", "maybe once a week and it helps", "weekly_helping"),  # an estimate, not a doubt
    ("withdrawal", "i get the sweats, but no seizures or anything", "mild"),
    ("withdrawal", "barely sleep when i stop. never had a fit though", "mild"),
    ("withdrawal", "never had a seizure", "none"),
    ("withdrawal", "no seizures but bad shakes", None),  # mild or severe: asked again
    ("group_ok", "depends on the group, with people my age sure", "unsure"),
    ("group_ok", "alright, i suppose", "yes"),
    ("group_ok", "\U0001f44d", "yes"),
    ("group_ok", "\U0001f44e\U0001f3fd", "no"),
    ("withdrawal", "wait who sees these answers? i don't want them on my record", None),  # not a "no"
    ("harm_to_others", "no i don't", False),
    # the twelfth development set's answers (dev12), in new words
    ("safe_home", "probably not, it's pretty tense there", False),  # "probably" alone is a hedged yes
    ("wish_dead", "prolly not", False),
    ("group_ok", "prob not, groups aren't my thing", "no"),
    ("can_attend", "prob not, no car", "no"),
    ("suicide_behavior", "nvr", "never"),
    ("medically_unstable", "i'm pretty healthy", False),
    ("medically_unstable", "i'm not healthy, my liver is shot", None),
    ("substance_use", "a beer or two on saturdays", "occasional"),
    ("substance_use", "a couple of drinks every night", "regular"),
    ("substance_use", "nah", "none"),
    ("withdrawal", "kinda cranky for a few days", "mild"),
    ("functioning", "it affects me a little but i still get most stuff done", "mild"),
    ("can_attend", "either", "in_person"),
    # the thirteenth development set's answers (dev13), in new words
    ("functioning", "moderately i'd say", "significant"),
    ("functioning", "grades are slipping, im behind in 2 classes and missed practice", "significant"),
    ("functioning", "my work has been slipping since spring", "mild"),  # slipping alone is mild
    ("functioning", "behind on bills and assignments, everything piles up", "significant"),
    ("functioning", "ok honestly. 31 days sober, rusty but functioning", "mild"),
    ("functioning", "fine, i'm not behind in my classes or anything", "none"),
    ("substance_use", "i dont really drink", "none"),
    ("substance_use", "i don't really drink much", None),  # little, not none: asked again
    ("functioning", "still not back to work since the hospital", "significant"),
    ("functioning", "i get by, some days are slow", "mild"),
    ("functioning", "kinda, i still go to work but i stopped seeing friends", "significant"),  # the higher
    ("functioning", "i still go to work but i've basically stopped seeing my friends", "significant"),
    ("current_care", "weekly counseling, but it's not moving the needle", "weekly_not_helping"),
    ("substance_use", "an 18 pack most saturdays", "regular"),
    ("substance_use", "do any groups meet on sat and sun?", None),
    ("substance_use", "a fifth of vodka most days", "regular"),
    ("substance_use", "i've got a handle on it", None),
    ("medically_unstable", "asthma, but it's well controlled", False),
    ("medically_unstable", "diabetes, it's under control with my doctor", False),
    ("medically_unstable", "bad back, otherwise healthy", False),
    ("medically_unstable", "my diabetes is not under control", None),
    ("medically_unstable", "my sugar isnt under control lately", None),
    ("group_ok", "not much of a talker but i'll join a group", "yes"),
    # a sixteenth development set (2026-12-07): a no beside a slight symptom, corrections, online only
    ("withdrawal", "not really? i get sweaty and cranky on a dark week but nothing wild", "mild"),
    ("withdrawal", "no i dont get sick if i skip a day, just grumpy", "mild"),
    ("withdrawal", "nah, just cant sleep without it", "mild"),
    ("withdrawal", "Bit of the sweats if I wait too long in the morning. Nothing like seeing things", "mild"),
    ("withdrawal", "no i dont get sick", "none"),
    ("withdrawal", "i get bad shakes", "severe"),
    ("functioning", "some", "mild"),
    ("functioning", "a little. no, that's a lie, a lot. i've been late to three shifts", "significant"),
    ("functioning", "a lot actually", "significant"),
    (
        "can_attend",
        "in person is fine. oh wait, my car is in the shop. virtual then, only virtual",
        "virtual_only",
    ),
    ("can_attend", "only online, i cant get childcare", "virtual_only"),
    ("can_attend", "would online be allowed? because that's the only way i could do it?", "virtual_only"),
    ("can_attend", "in person only, online wont work", None),
    ("can_attend", "i cant do online, only in person", None),
    ("substance_use", "pretty much every layover, 4 or 5 drinks at the hotel bar", "regular"),
    ("substance_use", "i actually don't drink at all", "none"),
    ("wish_dead", "yes. i mean, not really", None),  # a safety answer lowered in the same breath: asked again
    ("wish_dead", "nunca", False),
    ("wish_dead", "non", False),
    ("wish_dead", "Wi", True),
    ("wish_dead", "sí", True),
    ("substance_use", "non smoker lol", None),
    ("group_ok", "eh. unsure. i talk to rooms for a living but never about real stuff", "unsure"),
    # a short first sentence answers when the story after it names no value of its own (dev17)
    ("functioning", "some. the laundry piles up and i forget to call my mom back", "mild"),
    ("functioning", "A lot! I quit the choir because I can't face people", "significant"),
    ("functioning", "No. I miss work a lot", None),  # the story says otherwise: asked again
    ("current_care", "none. my doctor gave me a leaflet once", "none"),
    ("group_ok", "sure. my sister went to one last year", "yes"),
    ("wish_dead", "no. tired, that's all", False),  # the safety questions read the whole message as before
    ("suicidal_thoughts", "No. Well, last week maybe", None),
    ("current_care", "My pastor, once a month. Nothing clinical.", "none"),
    ("current_care", "every week, but nothing is changing", "weekly_not_helping"),
    ("wish_dead", "tak", True),  # a yes in Polish, alone
    ("group_ok", "yes, no problem", "yes"),
    ("medically_unstable", "only my thyroid, its managed", False),  # dev17
    ("medically_unstable", "asthma, and its not controlled lately", None),
    ("substance_use", "one beer on the weekend, tops", "occasional"),
    ("substance_use", "a glass of wine on weekends and every night lately", "regular"),
    ("can_attend", "no, i dont think i could get there three times a week", "no"),
    ("group_ok", "no worries at all", "yes"),
    ("group_ok", "no, groups are a problem for me", "no"),
]


@pytest.mark.parametrize(("field", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_parse_answer(field: str, text: str, expected: Parsed) -> None:
    assert parse_answer(field, text) == expected


# Negations that mean yes, and plain denials, typed the way people type (lowercase, no apostrophes,
# typos, long sentences). Reading one of the yes rows as a no would hide a suicidal thought.
AFFIRMING_NEGATIONS: list[str] = [
    "I haven't stopped thinking about it",
    "i havent stopped thinking about it",
    "i havent stoped thinking about it tbh",
    "honestly i havent stopped thinking about it for weeks now",
    "i have not stopped wishing i could just not wake up",
    "it hasnt stopped",
    "never stopped to be honest",
    "i cant stop thinking about it",
    "i can't stop thinking about dying lately",
    "i dont seem to stop thinking about it no matter what i do",
    "i havent been able to stop thinking about it since my breakup",
    "not a day goes by that I don't think about it",
    "not a day goes by that i dont think about it",
    "not a single day goes by where i dont think about it honestly",
    "honestly? not a day goes by. every morning i wish i hadnt woken up",
    "hardly a day goes by without me wishing i wasnt here",
    "there isnt a day i dont think about it",
    "theres not one day i dont wish i was gone",
    "not a night passes without those thoughts",
    "I can't say I haven't",
    "cant say i havent",
    "i cant say that i havent",
    "i cant honestly say i havent",
    "i wouldnt say no",
    "id be lying if i said no",
    "i'd be lying if i said i hadnt",
    "i wish i could say no",
    "i wish i could tell you i havent",
    "i cant not think about it",
    "ive never not thought about it",
    "it never really goes away",
    "the thoughts dont go away",
    "they havent gone away",
    "its never far from my mind",
    "its not out of my head ever",
    "i cant deny it",
]
PLAIN_DENIALS: list[str] = [
    "I haven't",
    "i havent",
    "i havnt",
    "no i havent",
    "nah i haven't",
    "I haven't, no",
    "havent thought about that",
    "haven't had those thoughts",
    "not really",
    "not really no",
    "nah not really tbh",
    "never",
    "nope never",
    "no never",
    "never. why",
    "i have never felt that way",
    "ive never felt like that",
    "i've never wanted that",
    "i really never have",
    "i dont think so",
    "no, not at all",
    "i can't say i have",
    "i wouldnt say so",
    "no i dont",
    "i didnt",
]


@pytest.mark.parametrize("field", ["wish_dead", "suicidal_thoughts", "suicide_method", "harm_to_others"])
@pytest.mark.parametrize("text", AFFIRMING_NEGATIONS)
def test_negations_that_mean_yes_are_yes(field: str, text: str) -> None:
    assert parse_answer(field, text) is True


@pytest.mark.parametrize("field", ["wish_dead", "suicidal_thoughts", "suicide_plan", "harm_to_others"])
@pytest.mark.parametrize("text", PLAIN_DENIALS)
def test_plain_denials_are_no(field: str, text: str) -> None:
    assert parse_answer(field, text) is False


@pytest.mark.parametrize("text", AFFIRMING_NEGATIONS)
def test_a_yes_in_negative_words_is_never_read_as_no_past_behaviour(text: str) -> None:
    # Q6 needs a time; a yes without one is asked again, never read as "never".
    assert parse_answer("suicide_behavior", text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no, I haven't stopped thinking about it", None),  # a no and a yes: ask again
        ("i havent stopped thinking about it but no not really", None),
        ("not a day in my life", None),  # no "goes by" and no second negation: not sure, ask again
        ("i don't know if i haven't", None),
        ("can't say", None),
        ("maybe i havent stopped", None),
        ("yeah i can't stop thinking about it", True),
        ("yes, not a day goes by", True),
        ("i have never stopped thinking about it", True),
        ("not gonna lie, i have", True),
        ("ngl no", False),
        ("no matter what", None),  # an idiom, not a no
    ],
)
def test_mixed_and_unclear_negations(text: str, expected: Parsed) -> None:
    assert parse_answer("wish_dead", text) is expected


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_field_accepts_prefer_not_say_and_never_guesses_gibberish(field: str) -> None:
    assert parse_answer(field, "I'd rather not say") is PREFER_NOT_SAY
    assert parse_answer(field, "purple elephant") is None


@pytest.mark.parametrize("field", list(FIELDS))
def test_parsed_values_are_valid_for_the_field(field: str) -> None:
    for case_field, text, _ in CASES:
        value = parse_answer(field, text)
        assert value is None or value is PREFER_NOT_SAY or value in FIELDS[field], (case_field, text)
        if field in BOOLEAN_FIELDS and value is not None and value is not PREFER_NOT_SAY:
            assert isinstance(value, bool)


def test_unknown_field() -> None:
    with pytest.raises(KeyError):
        parse_answer("mood", "yes")


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("wish_dead", True, True),
        ("wish_dead", "false", False),
        ("wish_dead", "True", True),
        ("wish_dead", 1, None),
        ("wish_dead", "yes", None),
        ("functioning", "mild", "mild"),
        ("functioning", "Mild", None),
        ("functioning", "extreme", None),
        ("functioning", None, None),
        ("can_attend", ["no"], None),
    ],
)
def test_coerce(field: str, raw: object, value: object) -> None:
    assert coerce(field, raw) == value
    assert type(coerce(field, raw)) is type(value)


def test_normalize() -> None:
    assert normalize("<i>I&#39;d</i>  RATHER\tnot_say!") == "i'd rather not say"


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("functioning", "idk somewhere between a little and a lot", "significant"),
        ("functioning", "i still go to work so idk, kinda", "mild"),
        ("substance_use", "hard to say, maybe 3 or 4 nights a week", "regular"),
        ("substance_use", "i need to get sober but i dont know how", None),  # a hedged none stays unread
        ("current_care", "i dont know where to start but i need help", None),
        ("wish_dead", "idk, maybe?", None),  # a safety question with a hedge is asked again
    ],
)
def test_a_hedge_beside_a_level_keeps_the_level(field: str, text: str, expected: Parsed) -> None:
    assert parse_answer(field, text) == expected


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("functioning", "a lot. cant drive on the freeway anymore and i missed 2 shifts", "significant"),
        ("functioning", "missed 3 days of work this month", "significant"),
        ("functioning", "i haven't missed 3 days of work", None),
        ("functioning", "pretty bad honestly", "significant"),
        ("functioning", "its affecting everything", "significant"),
        ("functioning", "my job is suffering", "significant"),
        ("functioning", "its hard to get through the day", "significant"),
        ("functioning", "not too bad", "mild"),
        ("functioning", "thank you very much", None),  # an intensifier, not an answer
        ("functioning", "my anxiety is so bad i cant leave the house", None),  # a story, not the scale
        ("wish_dead", "no, i've been stressed, but no, not that", False),
        # "every day" beside it, then "but no, not that": the contrast closes it (was asked again until
        # 2026-12-07; see test_asides_and_amounts_in_stories)
        ("wish_dead", "No. I miss her every day, but no, not that.", False),
    ],
)
def test_answers_told_as_what_happened(field: str, text: str, expected: Parsed) -> None:
    assert parse_answer(field, text) == expected


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        # a leading no, an aside about something else, and "but not that" closing it
        ("wish_dead", "No. I miss her every day, but no, not that.", False),
        (
            "wish_dead",
            "No. Tired, yes, every single day, but not that. I have three kids who need me.",
            False,
        ),
        ("wish_dead", "nope, worn out yes, but nothing like that", False),
        ("wish_dead", "no, i think about it every day but not that", None),  # the asked thing, said yes
        ("wish_dead", "yes, every day", True),
        ("wish_dead", "no. yes. every day honestly", None),
        # "a lot" before a comparative describes, it does not answer
        ("harm_to_others", "No. I'm a lot calmer than I look.", False),
        ("harm_to_others", "no, a lot better since the new meds", False),
        ("wish_dead", "a lot", True),
        # how much at a time, per night or per day
        (
            "substance_use",
            "Whiskey. Three or four pours a night so I can sleep, more when the dreams are bad.",
            "regular",
        ),
        ("substance_use", "2 beers a night, sometimes more", "regular"),
        ("substance_use", "a few pills a day", "regular"),
        ("substance_use", "a day or two a week", None),
        # another substance denied beside the one used
        ("substance_use", "kratom every day, 5 or 6 doses. no alcohol", "regular"),
        ("substance_use", "weed every night but no alcohol", "regular"),
        ("substance_use", "no alcohol", "none"),
        ("substance_use", "no, no alcohol or drugs", "none"),
        # withdrawal: a symptom with "nothing I'd call serious", a crash after stopping, sobriety
        (
            "withdrawal",
            "Hands get a little shaky some mornings and I sweat at night if I skip. "
            "Nothing I'd call serious.",
            "mild",
        ),
        (
            "withdrawal",
            "i crash hard when i dont take it, sleep like 14 hrs and feel like garbage. thats about it",
            "mild",
        ),
        ("withdrawal", "feel like crap when i dont have my pills", "mild"),
        ("withdrawal", "im sober, 3 years in march", "none"),
        ("withdrawal", "been sober 8 months", "none"),
        ("withdrawal", "sober 2 days and shaking bad", "severe"),  # days sober: a symptom wins
        # medical: fine in the doctor's words, or fine otherwise
        ("medically_unstable", "Cholesterol pills, that's all. Doc says I'm fine otherwise.", False),
        ("medically_unstable", "im fine physically", False),
        (
            "medically_unstable",
            "My blood pressure has crept up and my doctor wants to see me again in January, "
            "but there's nothing she's worried about right now.",
            False,
        ),
        ("medically_unstable", "my doctor said im ok", False),
        ("medically_unstable", "my doctor is worried about my liver", None),
        ("medically_unstable", "im not fine physically, my liver is failing", None),  # never a no
        # more answers in stories: a "nope, nothing" before a story, appetite, a fifth, no hospital needed
        ("current_care", "nope, nothing. i looked at military onesource once but never called", "none"),
        ("current_care", "no nothing but meetings", None),
        ("withdrawal", "cant sleep + no appetite for like a week when i stop. irritable af", "mild"),
        ("substance_use", "a 5th of vodka every 2 days or so", "regular"),
        ("medically_unstable", "My pressure is little high, I take pill for it. I not need hospital.", False),
        # a form of address answers nothing
        ("current_care", "No sir.", "none"),
        ("current_care", "nah bro", "none"),
        ("safe_home", "yes ma'am", True),
        ("suicidal_thoughts", "no sir, never", False),
    ],
)
def test_asides_and_amounts_in_stories(field: str, text: str, expected: Parsed) -> None:
    assert parse_answer(field, text) == expected
