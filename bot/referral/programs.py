"""The program directory (`content/programs.yml`): load and validate into typed records.

Every error names the program and the field, so whoever edits the file can fix it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from bot.config import content_path
from bot.referral.geo import UnknownZipError, locate_zip
from bot.referral.vocab import FORMATS, INSURANCE, LEVELS, POPULATIONS, SCHEDULE_SLOTS, SPECIALTIES

PROGRAMS_PATH = content_path("programs.yml")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_STATE_RE = re.compile(r"^[A-Z]{2}$")
_REQUIRED_TEXT = ("id", "name", "phone", "website", "intake_hours")
_LISTS: dict[str, Mapping[str, str]] = {
    "levels": LEVELS,
    "formats": FORMATS,
    "schedule": SCHEDULE_SLOTS,
    "populations": POPULATIONS,
    "specialties": SPECIALTIES,
    "insurance": INSURANCE,
}


class ProgramDirectoryError(ValueError):
    """The directory file is malformed; the message names the program and the field."""


@dataclass(frozen=True)
class Address:
    """A program's street address; `zip_code` is a real US ZIP."""

    street: str
    city: str
    state: str
    zip_code: str

    def one_line(self) -> str:
        """'210 Example Avenue, New York, NY 10001'."""
        return f"{self.street}, {self.city}, {self.state} {self.zip_code}"


@dataclass(frozen=True)
class Program:
    """One program in the directory. Vocabulary fields hold ids from `bot.referral.vocab`."""

    id: str
    name: str
    levels: tuple[str, ...]
    formats: tuple[str, ...]
    schedule: tuple[str, ...]
    populations: tuple[str, ...]
    specialties: tuple[str, ...]
    insurance: tuple[str, ...]
    self_pay: bool
    sliding_scale: bool
    address: Address
    phone: str
    website: str
    intake_hours: str


def _where(index: int, raw: Mapping[str, Any]) -> str:
    name = raw.get("id") or raw.get("name")
    return f"program #{index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")


def _text(raw: Mapping[str, Any], field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ProgramDirectoryError(f"{where}: field {field!r} must be a non-empty text")
    return value.strip()


def _vocab_list(
    raw: Mapping[str, Any], field: str, allowed: Mapping[str, str], where: str
) -> tuple[str, ...]:
    value = raw.get(field)
    if not isinstance(value, list) or not value:
        raise ProgramDirectoryError(f"{where}: field {field!r} must be a non-empty list")
    for item in value:
        if item not in allowed:
            raise ProgramDirectoryError(
                f"{where}: field {field!r} has unknown value {item!r}; allowed: {', '.join(sorted(allowed))}"
            )
    if len(set(value)) != len(value):
        raise ProgramDirectoryError(f"{where}: field {field!r} lists a value twice")
    return tuple(value)


def _flag(raw: Mapping[str, Any], field: str, where: str) -> bool:
    value = raw.get(field)
    if not isinstance(value, bool):
        raise ProgramDirectoryError(f"{where}: field {field!r} must be true or false")
    return value


def _address(raw: Mapping[str, Any], where: str) -> Address:
    value = raw.get("address")
    if not isinstance(value, Mapping):
        raise ProgramDirectoryError(f"{where}: field 'address' must have street, city, state, zip")
    street, city, state = (_text(value, f, f"{where}, address") for f in ("street", "city", "state"))
    if not _STATE_RE.match(state):
        raise ProgramDirectoryError(f"{where}: field 'address.state' must be 2 capital letters")
    zip_code = value.get("zip")
    if not isinstance(zip_code, str):
        raise ProgramDirectoryError(f"{where}: field 'address.zip' must be a quoted 5-digit text")
    try:
        location = locate_zip(zip_code)
    except UnknownZipError:
        raise ProgramDirectoryError(
            f"{where}: field 'address.zip' {zip_code!r} is not a known US ZIP code"
        ) from None
    if location.state != state:
        raise ProgramDirectoryError(
            f"{where}: field 'address.zip' {zip_code!r} is in {location.state}, not {state}"
        )
    return Address(street, city, state, location.zip_code)


def parse_program(index: int, raw: Any) -> Program:
    """Validate one raw mapping from the YAML file into a Program."""
    if not isinstance(raw, Mapping):
        raise ProgramDirectoryError(f"program #{index + 1}: must be a mapping of fields")
    where = _where(index, raw)
    texts = {field: _text(raw, field, where) for field in _REQUIRED_TEXT}
    if not _ID_RE.match(texts["id"]):
        raise ProgramDirectoryError(f"{where}: field 'id' must be a lowercase slug like 'my-program'")
    if not texts["website"].startswith("https://"):
        raise ProgramDirectoryError(f"{where}: field 'website' must start with https://")
    try:
        phone_ok = phonenumbers.is_possible_number(phonenumbers.parse(texts["phone"], "US"))
    except phonenumbers.NumberParseException:
        phone_ok = False
    if not phone_ok:
        raise ProgramDirectoryError(f"{where}: field 'phone' {texts['phone']!r} is not a US phone number")
    lists = {field: _vocab_list(raw, field, allowed, where) for field, allowed in _LISTS.items()}
    return Program(
        id=texts["id"],
        name=texts["name"],
        levels=lists["levels"],
        formats=lists["formats"],
        schedule=lists["schedule"],
        populations=lists["populations"],
        specialties=lists["specialties"],
        insurance=lists["insurance"],
        self_pay=_flag(raw, "self_pay", where),
        sliding_scale=_flag(raw, "sliding_scale", where),
        address=_address(raw, where),
        phone=texts["phone"],
        website=texts["website"],
        intake_hours=texts["intake_hours"],
    )


def parse_programs(document: Any) -> tuple[Program, ...]:
    """Validate the whole parsed YAML document (`{programs: [...]}`); ids must be unique."""
    if not isinstance(document, Mapping) or not isinstance(document.get("programs"), Sequence):
        raise ProgramDirectoryError("programs.yml: the top level must be 'programs:' with a list")
    programs = tuple(parse_program(i, raw) for i, raw in enumerate(document["programs"]))
    if not programs:
        raise ProgramDirectoryError("programs.yml: the directory lists no programs")
    seen: set[str] = set()
    for program in programs:
        if program.id in seen:
            raise ProgramDirectoryError(f"program {program.id!r}: field 'id' is used twice")
        seen.add(program.id)
    return programs


def load_programs(path: Path = PROGRAMS_PATH) -> tuple[Program, ...]:
    """Read and validate a directory file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProgramDirectoryError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_programs(document)


@lru_cache(maxsize=4)
def cached_programs(path: Path = PROGRAMS_PATH) -> tuple[Program, ...]:
    """`load_programs`, read once per process (the actions call this)."""
    return load_programs(path)
