"""Program matching: each filter, distance, ranking, unknown ZIP, no match and the crisis path."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from bot.referral.geo import UnknownZipError, haversine_miles, locate_zip, normalize_zip, zip_distance_miles
from bot.referral.matching import (
    DEFAULT_MAX_MILES,
    MatchStatus,
    Preferences,
    directory_level,
    format_result,
    match_programs,
)
from bot.referral.programs import Program, load_programs

PROGRAMS = load_programs()


def _ids(prefs: Preferences, limit: int = 20) -> set[str]:
    result = match_programs(PROGRAMS, prefs, limit=limit)
    return {m.program.id for m in result.matches}


def _expected(predicate: Callable[[Program], object]) -> set[str]:
    return {p.id for p in PROGRAMS if predicate(p)}


@pytest.mark.parametrize(
    ("prefs", "predicate"),
    [
        (Preferences(level="php"), lambda p: "php" in p.levels and "adults" in p.populations),
        (Preferences(level="residential"), lambda p: "residential" in p.levels),
        (Preferences(schedule="weekend"), lambda p: "weekend" in p.schedule and "adults" in p.populations),
        (Preferences(insurance="tricare"), lambda p: "tricare" in p.insurance and "adults" in p.populations),
        (
            Preferences(insurance="self_pay"),
            lambda p: (p.self_pay or p.sliding_scale) and "adults" in p.populations,
        ),
        (Preferences(population="adolescents"), lambda p: "adolescents" in p.populations),
        (Preferences(population="veterans"), lambda p: "veterans" in p.populations),
        (
            Preferences(specialty="eating_disorders"),
            lambda p: "eating_disorders" in p.specialties and "adults" in p.populations,
        ),
        (Preferences(care_format="hybrid"), lambda p: "hybrid" in p.formats and "adults" in p.populations),
        (
            Preferences(care_format="virtual"),
            lambda p: {"virtual", "hybrid"} & set(p.formats) and "adults" in p.populations,
        ),
        (
            Preferences(care_format="in_person"),
            lambda p: {"in_person", "hybrid"} & set(p.formats) and "adults" in p.populations,
        ),
    ],
)
def test_each_filter_keeps_exactly_the_programs_that_fit(
    prefs: Preferences, predicate: Callable[[Program], object]
) -> None:
    expected = _expected(predicate)
    assert expected, "the directory should have at least one program for this filter"
    assert _ids(prefs) == expected


def test_filters_combine_and_reasons_name_each_preference() -> None:
    result = match_programs(
        PROGRAMS, Preferences(level="iop", schedule="evening", insurance="medicaid", zip_code="10001")
    )
    assert result.status is MatchStatus.OK
    first = result.matches[0]
    assert first.program.id == "harbor-light-chelsea"
    assert "Offers evening groups" in first.reasons
    assert "Accepts Medicaid" in first.reasons
    assert "0.0 miles from 10001" in first.reasons


def test_results_are_ranked_by_distance_and_capped_at_three() -> None:
    result = match_programs(PROGRAMS, Preferences(level="iop", zip_code="11201"))
    distances = [m.distance_miles for m in result.matches]
    assert len(result.matches) == 3
    assert distances == sorted(distances)  # type: ignore[type-var]
    assert result.matches[0].program.id == "brooklyn-bridge-veterans"
    assert result.matches[0].reasons[-1] == "0.0 miles from 11201"


def test_max_distance_excludes_far_programs() -> None:
    near = _ids(Preferences(level="iop", zip_code="10001", max_miles=5))
    assert near == {"harbor-light-chelsea", "brooklyn-bridge-veterans"}
    wider = _ids(Preferences(level="iop", zip_code="10001", max_miles=10))
    assert near < wider and "bronx-community" in wider
    default = _ids(Preferences(level="iop", zip_code="10001"))
    assert all(p.address.state == "NY" for p in PROGRAMS if p.id in default)
    assert all(
        zip_distance_miles("10001", p.address.zip_code) <= DEFAULT_MAX_MILES
        for p in PROGRAMS
        if p.id in default
    )


def test_virtual_ignores_distance_but_requires_the_same_state() -> None:
    assert _ids(Preferences(level="iop", care_format="virtual", zip_code="75201")) == {  # Dallas
        "congress-avenue",
        "riverside-telehealth",
    }
    assert _ids(Preferences(level="iop", care_format="virtual", zip_code="98101")) == set()  # Seattle


def test_self_pay_reason_prefers_sliding_scale() -> None:
    result = match_programs(PROGRAMS, Preferences(insurance="self_pay", zip_code="11201", max_miles=1))
    assert result.matches[0].program.sliding_scale
    assert "Offers a sliding-scale fee based on income" in result.matches[0].reasons


def test_without_zip_ranking_is_deterministic_by_reasons_then_name() -> None:
    result = match_programs(PROGRAMS, Preferences(level="iop", population="adolescents"))
    assert [m.program.name for m in result.matches] == sorted(m.program.name for m in result.matches)
    assert all(m.distance_miles is None for m in result.matches)
    assert "Tell me your ZIP code" in format_result(result, zip_known=False)


def test_no_match_says_so_with_findtreatment_and_helpline() -> None:
    result = match_programs(PROGRAMS, Preferences(level="iop", insurance="tricare", zip_code="94110"))
    assert result.status is MatchStatus.NO_MATCH and result.matches == ()
    assert "TRICARE" in result.message and "within 30 miles of 94110" in result.message
    assert "FindTreatment.gov" in result.message and "1-800-662-4357" in result.message
    assert format_result(result) == result.message


@pytest.mark.parametrize("zip_code", ["00000", "99999", "1234", "abcde", "100011"])
def test_unknown_zip_gives_a_clear_message(zip_code: str) -> None:
    result = match_programs(PROGRAMS, Preferences(level="iop", zip_code=zip_code))
    assert result.status is MatchStatus.UNKNOWN_ZIP
    assert "ZIP code" in result.message and "5 digits" in result.message


def test_emergency_never_matches_programs() -> None:
    result = match_programs(PROGRAMS, Preferences(level="emergency", zip_code="10001"))
    assert result.status is MatchStatus.CRISIS and result.matches == ()
    assert "911" in result.message and "988" in result.message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("emergency", "emergency"),
        ("inpatient_residential", "residential"),
        ("php", "php"),
        ("IOP", "iop"),
        ("outpatient", "outpatient"),
        ("residential", "residential"),
        (None, None),
        ("  ", None),
    ],
)
def test_screening_levels_map_to_directory_levels(given: str | None, expected: str | None) -> None:
    assert directory_level(given) == expected


@pytest.mark.parametrize(
    "prefs",
    [
        Preferences(level="detox"),
        Preferences(insurance="acme"),
        Preferences(schedule="night"),
        Preferences(care_format="phone"),
        Preferences(max_miles=0),
    ],
)
def test_unknown_vocabulary_is_rejected(prefs: Preferences) -> None:
    with pytest.raises(ValueError):
        match_programs(PROGRAMS, prefs)


def test_haversine_and_zip_lookup() -> None:
    assert haversine_miles(0, 0, 0, 0) == 0
    # One degree of latitude is about 69.1 miles.
    assert math.isclose(haversine_miles(40, -74, 41, -74), 69.09, rel_tol=0.01)
    # Manhattan (10001) to downtown Brooklyn (11201) is close to 4 miles.
    assert 3 < zip_distance_miles("10001", "11201") < 5
    # New York to San Francisco is about 2,570 miles.
    assert 2500 < zip_distance_miles("10001", "94110") < 2600
    assert locate_zip("10001-1234").city == "New York"
    assert normalize_zip(" 94110 ") == "94110"
    with pytest.raises(UnknownZipError):
        normalize_zip("9411")


def test_every_program_is_reachable_by_some_search() -> None:
    def found(program: Program) -> bool:
        prefs = Preferences(zip_code=program.address.zip_code, population=program.populations[0], max_miles=1)
        return program.id in _ids(prefs)

    assert all(found(p) for p in PROGRAMS)
