"""Callback contact validation and consent parsing."""

from __future__ import annotations

import pytest

from bot.referral.contact import (
    CONSENT_PURPOSE,
    Contact,
    ContactError,
    mask_contact,
    parse_consent,
    split_name_and_contact,
    validate_best_time,
    validate_contact,
    validate_email,
    validate_name,
    validate_phone,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(202) 555-0142", "+12025550142"),
        ("202.555.0142", "+12025550142"),
        ("+1 202 555 0142", "+12025550142"),
        ("1-202-555-0142", "+12025550142"),
        ("２０２５５５０１４２", "+12025550142"),  # full-width digits
        ("202-555-0142\u200b", "+12025550142"),  # zero-width space
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_are_normalized_to_e164(text: str, expected: str) -> None:
    assert validate_phone(text) == expected
    assert validate_contact(text) == Contact("phone", expected)


@pytest.mark.parametrize("text", ["555-0142", "911", "123-456-7890", "202-555-014", "call me maybe 1234567"])
def test_incomplete_or_invalid_phone_numbers_are_rejected(text: str) -> None:
    with pytest.raises(ContactError, match="area code"):
        validate_contact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sam@Example.ORG", "sam@example.org"),
        ("  first.last+iop@mail.example.org ", "first.last+iop@mail.example.org"),
        ("<lee@example.org>", "lee@example.org"),
        ("mailto:lee@example.org", "lee@example.org"),
    ],
)
def test_emails_are_accepted_and_domain_lowercased(text: str, expected: str) -> None:
    assert validate_email(text) == expected
    assert validate_contact(text) == Contact("email", expected)


@pytest.mark.parametrize(
    "text",
    ["sam@", "@example.org", "sam@example", "sam@@example.org", "sam..x@example.org", "sam @example.org",
     ".sam@example.org", "sam@-example.org", "a" * 65 + "@example.org", "sam@example.o"],
)  # fmt: skip
def test_bad_emails_are_rejected(text: str) -> None:
    with pytest.raises(ContactError, match="email address"):
        validate_contact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("can u email me instead? bree.thomas@example.com", Contact("email", "bree.thomas@example.com")),
     ("my email is Lee@Example.org.", Contact("email", "Lee@example.org")),
     ("text me at (202) 555-0142 please", Contact("phone", "+12025550142"))],
)  # fmt: skip
def test_a_contact_inside_a_sentence_is_found(text: str, expected: Contact) -> None:
    assert validate_contact(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "hello", "<script>alert(1)</script>"])
def test_contact_that_is_neither_gets_a_clear_error(text: str) -> None:
    with pytest.raises(ContactError):
        validate_contact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Sam", "Sam"), ("  Mary   Ann ", "Mary Ann"), ("O'Brien", "O'Brien"),
     ("José Núñez-Li", "José Núñez-Li"), ("李小龙", "李小龙"), ("J. R.", "J. R."),
     # typed in a sentence: the name is what follows the introduction
     ("its dana", "dana"), ("My name is Jordan Lee", "Jordan Lee"), ("I'm Priya", "Priya"),
     ("Isabel", "Isabel")],
)  # fmt: skip
def test_names_are_cleaned(text: str, expected: str) -> None:
    assert validate_name(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "R2D2", "<b>Sam</b>", "sam@example.org", "x" * 101, "-Sam"])
def test_bad_names_are_rejected(text: str) -> None:
    with pytest.raises(ContactError):
        validate_name(text)


def test_best_time_is_free_text_but_bounded() -> None:
    assert validate_best_time("  weekday   mornings ") == "weekday mornings"
    for bad in ("", "???", "x" * 101):
        with pytest.raises(ContactError):
            validate_best_time(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), ("Yes!", True), ("/affirm", True), ("I agree", True), ("no", False),
     ("No thanks.", False), ("/deny", False), ("maybe", None), ("", None), ("yes no", None),
     # typed in sentences, as people answer (issue 14)
     ("no, don't store it", False), ("please don't", False), ("I'd rather not", False), ("nah", False),
     ("yes that's fine", True), ("sure, go ahead", True), ("ok you can store it", True),
     ("yes but don't keep my number", None), ("i dont know", None), ("why do you need it?", None),
     ("i would rather you not save my number anywhere, ill call them myself", False),
     # Spanish and Spanglish (dev8)
     ("si claro, thats fine", True), ("sí, está bien", True), ("no gracias", False), ("sino", None),
     # a yes after a lead word (dev16)
     ("Very well. Yes, you may keep them for the purpose of the call.", True), ("well, no", False),
     # Polish and French (dev17)
     ("tak, ok", True), ("oui d'accord", True), ("tak", True)],
)  # fmt: skip
def test_consent_needs_a_clear_answer(text: str, expected: bool | None) -> None:
    assert parse_consent(text) is expected


def test_consent_states_the_exact_purpose_and_masking_hides_the_value() -> None:
    assert "intake staff" in CONSENT_PURPOSE and "only for this callback" in CONSENT_PURPOSE
    assert mask_contact(Contact("phone", "+12025550142")) == "a phone number ending in 0142"
    assert mask_contact(Contact("email", "sam@example.org")) == "s***@example.org"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Linh Tran, cell is 714-555-0138", ("Linh Tran", Contact("phone", "+17145550138"))),
        ("my name is Dana and my number is (202) 555-0142", ("Dana", Contact("phone", "+12025550142"))),
        ("Dana, dana@example.org", ("Dana", Contact("email", "dana@example.org"))),
        ("Dana", None),  # a name alone: the form asks for the contact next
        ("202-555-0142", None),  # a contact alone is no name
        ("Dana - 12345", None),  # no valid contact
        ("R2D2, 202-555-0142", None),  # no valid name
    ],
)
def test_a_name_and_a_contact_given_together(text: str, expected: tuple[str, Contact] | None) -> None:
    assert split_name_and_contact(text) == expected
