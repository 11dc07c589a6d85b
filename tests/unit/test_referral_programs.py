"""The program directory: the shipped file is valid, and each malformed field is named in the error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.db import Base, get_engine, session_scope
from bot.referral.programs import PROGRAMS_PATH, ProgramDirectoryError, load_programs, parse_programs
from bot.referral.store import (
    CallbackRequest,
    ProgramRow,
    find_open_handoff,
    load_programs_into_db,
    mark_handoff_urgent,
    open_handoff_request,
    save_callback_request,
)


def _raw() -> dict[str, Any]:
    return yaml.safe_load(PROGRAMS_PATH.read_text(encoding="utf-8"))


def test_shipped_directory_is_valid_fictional_and_spread_over_metros() -> None:
    programs = load_programs()
    assert len(programs) >= 10
    assert len({p.address.state for p in programs}) >= 3
    for program in programs:
        assert "(fictional)" in program.name
        assert "555-01" in program.phone
        assert program.website.startswith("https://") and program.website.endswith(".example.org")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("levels", ["iop", "detox"], "field 'levels' has unknown value 'detox'"),
        ("levels", [], "field 'levels' must be a non-empty list"),
        ("formats", "virtual", "field 'formats' must be a non-empty list"),
        ("insurance", ["medicaid", "medicaid"], "field 'insurance' lists a value twice"),
        ("insurance", ["Medicaid"], "field 'insurance' has unknown value 'Medicaid'"),
        ("self_pay", "yes", "field 'self_pay' must be true or false"),
        ("name", "  ", "field 'name' must be a non-empty text"),
        ("phone", "call us", "field 'phone'"),
        ("website", "http://x.example.org", "field 'website' must start with https://"),
        ("id", "Bad Id", "field 'id' must be a lowercase slug"),
        ("address", {"street": "1 A St", "city": "X", "state": "NY", "zip": "00000"}, "not a known US ZIP"),
        ("address", {"street": "1 A St", "city": "X", "state": "CA", "zip": "10001"}, "is in NY, not CA"),
        ("address", {"street": "1 A St", "city": "X", "state": "NY", "zip": 10001}, "quoted 5-digit"),
        ("address", None, "field 'address' must have street"),
    ],
)
def test_each_bad_field_is_named_with_the_program(field: str, value: Any, message: str) -> None:
    document = _raw()
    document["programs"][2][field] = value
    with pytest.raises(ProgramDirectoryError) as error:
        parse_programs(document)
    assert message in str(error.value)
    assert "program #3" in str(error.value)


def test_missing_field_and_duplicate_id_and_bad_top_level() -> None:
    document = _raw()
    del document["programs"][0]["intake_hours"]
    with pytest.raises(ProgramDirectoryError, match=r"'harbor-light-chelsea'.*'intake_hours'"):
        parse_programs(document)
    document = _raw()
    document["programs"][1]["id"] = document["programs"][0]["id"]
    with pytest.raises(ProgramDirectoryError, match="used twice"):
        parse_programs(document)
    with pytest.raises(ProgramDirectoryError, match="top level"):
        parse_programs(["not", "a", "mapping"])
    with pytest.raises(ProgramDirectoryError, match="lists no programs"):
        parse_programs({"programs": []})


def test_invalid_yaml_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "programs.yml"
    path.write_text("programs: [unclosed", encoding="utf-8")
    with pytest.raises(ProgramDirectoryError, match="not valid YAML"):
        load_programs(path)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'referral.db'}"
    Base.metadata.create_all(get_engine(url))
    return url


def test_loading_programs_into_db_is_idempotent_and_deactivates_removed(db_url: str) -> None:
    programs = load_programs()
    for _ in range(2):
        with session_scope(db_url) as session:
            assert load_programs_into_db(session, programs) == len(programs)
    with session_scope(db_url) as session:
        rows = session.execute(select(ProgramRow)).scalars().all()
        assert len(rows) == len(programs) and all(row.active for row in rows)
        assert session.get(ProgramRow, "harbor-light-chelsea").insurance.split(",")[0] == "medicaid"
    document = _raw()
    document["programs"] = document["programs"][1:]
    with session_scope(db_url) as session:
        load_programs_into_db(session, parse_programs(document))
    with session_scope(db_url) as session:
        assert session.get(ProgramRow, "harbor-light-chelsea").active is False
        assert session.get(ProgramRow, "morningside-teen").active is True


def test_callback_request_is_stored_with_consent_and_unknown_program_dropped(db_url: str) -> None:
    with session_scope(db_url) as session:
        load_programs_into_db(session, load_programs())
    with session_scope(db_url) as session:
        first = save_callback_request(
            session,
            conversation_id="c1",
            name="Sam",
            contact_kind="phone",
            contact="+12025550142",
            best_time="mornings",
            consent_text="to call you back",
            program_id="loop-evening",
        )
        second = save_callback_request(
            session,
            conversation_id="c2",
            name="Lee",
            contact_kind="email",
            contact="lee@example.org",
            best_time="any time",
            consent_text="to call you back",
            program_id="no-such-program",
        )
    with session_scope(db_url) as session:
        assert session.get(CallbackRequest, first).program_id == "loop-evening"
        assert session.get(CallbackRequest, second).program_id is None
        assert session.get(CallbackRequest, second).status == "new"
    with session_scope(db_url) as session, pytest.raises(ValueError, match="contact_kind"):
        save_callback_request(
            session,
            conversation_id="c3",
            name="X",
            contact_kind="fax",
            contact="1",
            best_time="",
            consent_text="",
        )


def test_handoff_requests_are_not_duplicated_and_can_be_marked_urgent(db_url: str) -> None:
    with session_scope(db_url) as session:
        first = open_handoff_request(session, "conv-1", "socketio")
        assert open_handoff_request(session, "conv-1", "socketio") == first
        assert open_handoff_request(session, "conv-2", "rest") != first
        assert mark_handoff_urgent(session, "conv-1", "suicide") is True
        assert mark_handoff_urgent(session, "conv-9", "suicide") is False
    with session_scope(db_url) as session:
        request = find_open_handoff(session, "conv-1")
        assert request is not None and request.urgent and request.crisis_category == "suicide"
        request.status = "closed"
    with session_scope(db_url) as session:
        assert find_open_handoff(session, "conv-1") is None
        assert open_handoff_request(session, "conv-1", "socketio") != first


def test_copy_of_raw_document_is_not_mutated_by_parsing() -> None:
    document = _raw()
    before = copy.deepcopy(document)
    parse_programs(document)
    assert document == before
