"""Preference extraction with spaCy rules: table-driven phrases, spans, numbers and odd input."""

from __future__ import annotations

import pytest

from bot.referral.preferences import (
    PHRASES,
    extract_preferences,
    preference_values,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do you have evening groups?", {"schedule_slot": "evening"}),
        ("I can only go after work", {"schedule_slot": "evening"}),
        ("Evenings would be best", {"schedule_slot": "evening"}),
        ("mornings before work", {"schedule_slot": "morning"}),
        ("something on weekends", {"schedule_slot": "weekend"}),
        ("after school for my son", {"schedule_slot": "afternoon"}),
        ("I'd like to do it online", {"care_format": "virtual"}),
        ("is there a virtual option", {"care_format": "virtual"}),
        ("telehealth please", {"care_format": "virtual"}),
        ("something I can do from home", {"care_format": "virtual"}),
        ("I prefer in-person groups", {"care_format": "in_person"}),
        ("a hybrid program", {"care_format": "hybrid"}),
        ("I have Medicaid", {"insurance": "medicaid"}),
        ("I have blue cross", {"insurance": "bcbs"}),
        ("BCBS", {"insurance": "bcbs"}),
        ("my plan is Anthem BCBS", {"insurance": "bcbs"}),
        ("united healthcare through work", {"insurance": "united"}),
        ("I'm on Medi-Cal", {"insurance": "medicaid"}),
        ("we have TRICARE", {"insurance": "tricare"}),
        ("I don't have insurance", {"insurance": "self_pay"}),
        ("I'd pay out of pocket", {"insurance": "self_pay"}),
        ("she doesn't have insurance", {"insurance": "self_pay"}),
        ("she no have insurance. is very expensive?", {"insurance": "self_pay"}),
        # paying oneself, said in other words (dev17)
        ("he has no coverage of his own, so I would pay", {"insurance": "self_pay"}),
        ("paying myself", {"insurance": "self_pay"}),
        ("i would pay for groups if they work", {}),  # a wish to pay for something, no insurance said
        ("no coverage for that in my plan? i have aetna", {"insurance": "aetna"}),
        ("near 10001", {"zip_code": "10001"}),
        ("zip 94110", {"zip_code": "94110"}),
        ("my zip code is 60614", {"zip_code": "60614"}),
        ("78701", {"zip_code": "78701"}),
        ("Office is downtown Chicago, 60601. She lives close by.", {"zip_code": "60601"}),  # its city named
        ("33130, Miami", {"zip_code": "33130"}),
        ("oh u need my zip. its 72701", {"zip_code": "72701"}),  # the message speaks of a ZIP code
        ("my zip? 72701 or 72703, not sure", {}),  # two numbers: which one is unclear
        ("Something with other young people around his age would be best.", {"population": "young_adults"}),
        ("an lgbtq+ affirming program would be ideal", {"population": "lgbtq"}),
        ("im a trans man, are the groups affirming", {"population": "lgbtq"}),
        ("I make 45000 a year in Chicago", {}),  # a number, not a ZIP code of Chicago
        ("mornings. 30303", {"schedule_slot": "morning", "zip_code": "30303"}),  # beside a preference
        ("virtual, weekends, aetna, 97205", {"care_format": "virtual", "schedule_slot": "weekend",
                                             "insurance": "aetna", "zip_code": "97205"}),
        ("evenings, and it costs 45000 a year", {"schedule_slot": "evening"}),  # no ZIP code of that number
        ("evenings, 30303 or 30305", {"schedule_slot": "evening"}),  # two numbers: which one is unclear
        ("my insurance is through my husband's job, united", {"insurance": "united"}),  # said as insurance
        ("we're united as a family on this", {}),  # no insurance spoken of
        ("united", {"insurance": "united"}),  # the name alone answers the question (dev16)
        ("im on united", {"insurance": "united"}),  # on a plan
        ("we stand united on this", {}),
        # a time already taken is no wish when another time is free (dev16)
        ("afternoons, she teaches piano in the mornings", {"schedule_slot": "afternoon"}),
        ("evenings, practice is in the mornings", {"schedule_slot": "evening"}),  # a time taken (dev17)
        ("Evenings if they got it, mornings I'm useless", {"schedule_slot": "evening"}),
        # a ZIP code where one says one is, or the last of two with a correction between (dev16)
        ("I'm in Ballard, 98107", {"zip_code": "98107"}),
        ("85004. no sorry, 85006, that's home", {"zip_code": "85006"}),
        ("my deductible is 10001 in network", {}),
        ("within 10 miles of 94110", {"max_distance": "10", "zip_code": "94110"}),
        ("saturdays are the only day i can do", {"schedule_slot": "weekend"}),
        ("and in person, i hate video calls", {"care_format": "in_person"}),
        ("i think i need php not iop", {"care_level": "php"}),
        ("and in person please, i cant focus on zoom at all", {"care_format": "in_person"}),  # contradicted
        ("Hybrid would be nice, in person some days and remote the others.", {"care_format": "hybrid"}),
        ("a group w other college age ppl would be nice", {"population": "young_adults"}),
        ("i dont mind virtual", {"care_format": "virtual"}),  # indifference is no turn-down
        ("i dont want online, in person please", {"care_format": "in_person"}),
        ("no preference, online is fine", {"care_format": "virtual"}),
        ("somewhere within 30 mi of 60614 please", {"max_distance": "30", "zip_code": "60614"}),
        ("within 20 miles", {"max_distance": "20"}),
        ("no more than 15 mi away", {"max_distance": "15"}),
        ("a 10-mile drive at most", {"max_distance": "10"}),
        ("within ten miles", {"max_distance": "10"}),
        ("it's for my teenager", {"population": "adolescents"}),
        ("my 15 year old", {"population": "adolescents"}),
        ("my 16-year-old daughter", {"population": "adolescents"}),
        ("my 40 year old brother", {"population": "adults"}),
        ("I'm a veteran", {"population": "veterans"}),
        ("an LGBTQ friendly program", {"population": "lgbtq"}),
        ("a program for women", {"population": "women"}),
        ("co-occurring depression and drinking", {"specialty": "co_occurring"}),
        ("depression and drinking", {"specialty": "co_occurring"}),
        ("for depression and the wine", {"specialty": "co_occurring"}),  # a substance by name
        ("anxiety and the tequila, both", {"specialty": "co_occurring"}),  # dev17
        ("depression + stimulants", {"specialty": "co_occurring"}),
        ("for the xanax and weed", {"specialty": "substance_use"}),
        ("for pills obviously", {"specialty": "substance_use"}),
        ("im on my dads united plan", {"insurance": "united"}),
        ("depression and anxiety", {"specialty": "mood_anxiety"}),
        ("alcohol", {"specialty": "substance_use"}),
        ("I have a dual diagnosis", {"specialty": "co_occurring"}),
        ("help with PTSD", {"specialty": "trauma"}),
        ("eating disorder treatment", {"specialty": "eating_disorders"}),
        ("an intensive outpatient program", {"care_level": "iop"}),
        ("partial hospitalization", {"care_level": "php"}),
        (
            "Evening IOP near 10001 within 5 miles, I have Aetna",
            {
                "schedule_slot": "evening",
                "care_level": "iop",
                "zip_code": "10001",
                "max_distance": "5",
                "insurance": "aetna",
            },
        ),
    ],
)
def test_phrases_map_to_normalized_values(text: str, expected: dict[str, str]) -> None:
    assert preference_values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "I can't even think straight",  # "even" is not "evening"
        "I earn 40000 a year",  # a number without a ZIP cue
        "call me at 2025550142",
        "my 8 year old",  # no program for children
        "within 9000 miles",
        "hello 👋🏽",
        "\u0000\u200b",
    ],
)
def test_no_preference_where_there_is_none(text: str) -> None:
    assert extract_preferences(text) == []


@pytest.mark.parametrize(
    ("text", "entity", "surface"),
    [
        ("I have Anthem BCBS and want evenings", "insurance", "Anthem BCBS"),
        ("I have Anthem BCBS and want evenings", "schedule_slot", "evenings"),
        ("near 94110 please", "zip_code", "94110"),
        ("<b>evening</b> groups", "schedule_slot", "evening"),
        ("ＥＶＥＮＩＮＧ groups", "schedule_slot", "ＥＶＥＮＩＮＧ"),
        ("İstanbul, evening", "schedule_slot", "evening"),
    ],
)
def test_spans_index_the_original_text(text: str, entity: str, surface: str) -> None:
    spans = [text[p.start : p.end] for p in extract_preferences(text) if p.entity == entity]
    assert spans == [surface]


def test_last_mention_wins_and_huge_input_is_cut_not_failed() -> None:
    assert preference_values("evenings, no wait, mornings") == {"schedule_slot": "morning"}
    huge = "evening " + "x" * 100_000 + " near 10001"
    assert preference_values(huge) == {"schedule_slot": "evening"}


def test_every_listed_phrase_is_recognised_as_its_own_value() -> None:
    for entity, values in PHRASES.items():
        for value, phrases in values.items():
            for phrase in phrases:
                found = [(p.entity, p.value) for p in extract_preferences(phrase)]
                assert found == [(entity, value)], phrase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Good afternoon.", []),  # a greeting, not a schedule
        ("good evening, i need evening groups", [("schedule_slot", "evening")]),
        ("afternoons would be good", [("schedule_slot", "afternoon")]),
    ],
)
def test_a_time_of_day_in_a_greeting_is_not_a_schedule(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.entity, p.value) for p in extract_preferences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "hybrid would be nice, in person when im on days and online when im on nights",
            [("care_format", "hybrid")],
        ),
        ("i work nights so mornings are best", [("schedule_slot", "morning")]),
        ("i do night shifts, weekends would work", [("schedule_slot", "weekend")]),
        ("evening groups on weekends", [("schedule_slot", "evening"), ("schedule_slot", "weekend")]),
        ("mornings please, i work at the shop in the afternoons", [("schedule_slot", "morning")]),
        ("my job is in the mornings, afternoons are free", [("schedule_slot", "afternoon")]),
        ("i work days so evenings would be best", [("schedule_slot", "evening")]),
    ],
)
def test_the_hours_one_works_are_not_a_schedule_wish(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.entity, p.value) for p in extract_preferences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i really dont want to be stuck in a room full of teenagers", []),
        ("I don't want anything virtual, evenings are best", [("schedule_slot", "evening")]),
        ("i don't mind virtual", [("care_format", "virtual")]),  # indifference is no refusal
        ("i'll go over the list with my husband this evening", []),  # one evening, not a schedule
        ("nothing tomorrow morning, but mornings in general suit me", [("schedule_slot", "morning")]),
        ("a group just for vets would help", [("population", "veterans")]),
        ("i'd feel safer with other women", [("population", "women")]),
        ("a mood disorder program please", [("specialty", "mood_anxiety")]),
    ],
)
def test_a_preference_not_wanted_or_a_single_day_is_not_a_wish(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(p.entity, p.value) for p in extract_preferences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("could i get medicaid to cover it?", []),
        ("do i qualify for medicaid", []),
        ("i'm applying for medicaid next week", []),
        ("i have medicaid", [("insurance", "medicaid")]),
        ("do you take medicaid", [("insurance", "medicaid")]),
        ("i get my insurance through cigna", [("insurance", "cigna")]),
    ],
)
def test_a_plan_one_may_get_is_not_a_plan_one_has(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.entity, p.value) for p in extract_preferences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a women\u2019s group please", {"population": "women"}),  # a phone's curly apostrophe
        ("I\u2019d like evenings", {"schedule_slot": "evening"}),
        ("ladies only if there is one", {"population": "women"}),
        ("female-only group", {"population": "women"}),
        ("is there one thats just women", {"population": "women"}),
    ],
)
def test_curly_apostrophes_and_women_only_wordings(text: str, expected: dict[str, str]) -> None:
    assert preference_values(text) == expected
