"""Names that cross module boundaries: intents, slots, forms, responses and actions (no Rasa imports).

actions/, components/, bot/ and the event consumer refer to the domain through these names, never through
string literals of their own. The values are contracts (domain.yml, the training data, analytics, the
staff console): change one only with an issue, and in domain.yml at the same time
(tests/unit/test_contracts.py checks that each name exists there).
"""

from __future__ import annotations

from typing import Final


def payload(intent: str) -> str:
    """A button payload that sends `intent` directly ("/human_handoff")."""
    return f"/{intent}"


# ----------------------------------------------------------------------------- intents

AFFIRM: Final = "affirm"
DENY: Final = "deny"
FAQ: Final = "faq"
"""Every FAQ question; the topic is the response selector's (`faq/<topic>`)."""
INFORM: Final = "inform"
CRISIS: Final = "crisis"
"""Any safety concern; the category is the entity and slot `crisis_category`."""
START_SCREENING: Final = "start_screening"
STOP: Final = "stop"
CHANGE_ANSWER: Final = "change_answer"
PREFER_NOT_SAY: Final = "prefer_not_say"
FIND_PROGRAM: Final = "find_program"
REQUEST_CALLBACK: Final = "request_callback"
HUMAN_HANDOFF: Final = "human_handoff"
SHARE_FEELINGS: Final = "share_feelings"
OUT_OF_SCOPE: Final = "out_of_scope"
THANKS: Final = "thanks"
GOODBYE: Final = "goodbye"
GREET: Final = "greet"
BOT_CHALLENGE: Final = "bot_challenge"
"""A question about the assistant itself ("are you a bot?", "who made you?")."""
SAFETY_CHECK_IN: Final = "EXTERNAL_safety_check_in"
"""The reminder intent: silence after the crisis reply."""

# ----------------------------------------------------------------------------- forms

SCREENING_FORM: Final = "screening_form"
CALLBACK_FORM: Final = "callback_form"
FORMS: Final = frozenset({SCREENING_FORM, CALLBACK_FORM})

# ----------------------------------------------------------------------------- slots

REQUESTED_SLOT: Final = "requested_slot"

# safety (also entities, set by the safety detector)
CRISIS_CATEGORY: Final = "crisis_category"
CRISIS_DETAIL: Final = "crisis_detail"
CRISIS_LANGUAGE: Final = "crisis_language"
RISK_SEVERITY: Final = "risk_severity"
RISK_CUE: Final = "risk_cue"
"""An entity only (no slot): a cue that escalates after a disclosed risk."""

# screening (one slot per screening field, named as the field; these are the form's own)
SCREENING_DECLINED: Final = "screening_declined"
SCREENING_CORRECTING: Final = "screening_correcting"
SCREENING_CORRECTION: Final = "screening_correction"
SCREENING_LEVEL: Final = "screening_level"
SCREENING_ESCALATED: Final = "screening_escalated"
"""True sends the crisis rule after the screening result."""
SCREENING_FLAGS: Final = "screening_flags"

# referral: program preferences (entities and slots of the same names)
SCHEDULE_SLOT: Final = "schedule_slot"
CARE_FORMAT: Final = "care_format"
INSURANCE: Final = "insurance"
ZIP_CODE: Final = "zip_code"
MAX_DISTANCE: Final = "max_distance"
POPULATION: Final = "population"
SPECIALTY: Final = "specialty"
CARE_LEVEL: Final = "care_level"

# referral: the callback form
CALLBACK_CONSENT: Final = "callback_consent"
CALLBACK_NAME: Final = "callback_name"
CALLBACK_CONTACT: Final = "callback_contact"
CALLBACK_BEST_TIME: Final = "callback_best_time"
CALLBACK_CONTACT_KIND: Final = "callback_contact_kind"

# ----------------------------------------------------------------------------- responses

UTTER_CRISIS: Final = "utter_crisis"
"""The crisis reply; every response whose name starts with it counts as an escalation."""
UTTER_CRISIS_REPEAT: Final = "utter_crisis_repeat"
UTTER_ASK_SAFE_NOW: Final = "utter_ask_safe_now"
UTTER_SAFE_GLAD: Final = "utter_safe_glad"
UTTER_SAFETY_CHECK_IN: Final = "utter_safety_check_in"

# ----------------------------------------------------------------------------- custom actions

ACTION_RECORD_ESCALATION: Final = "action_record_escalation"
ACTION_SCREENING_RESULT: Final = "action_screening_result"
ACTION_HANDOFF: Final = "action_handoff"
