"""Closed vocabularies of the program directory and of preferences, with display labels.

Ids are the values of the Rasa entities `care_level`, `care_format`, `schedule_slot`, `insurance`,
`population` and `specialty`; labels are what the person reads.
"""

from __future__ import annotations

from typing import Final

LEVELS: Final[dict[str, str]] = {
    "outpatient": "outpatient care",
    "iop": "an intensive outpatient program (IOP)",
    "php": "a partial hospitalization program (PHP)",
    "residential": "residential treatment",
}

# Screening levels (issue 5) -> directory levels. `emergency` has no program: it is the crisis path.
SCREENING_TO_DIRECTORY_LEVEL: Final[dict[str, str | None]] = {
    "emergency": None,
    "inpatient_residential": "residential",
    "php": "php",
    "iop": "iop",
    "outpatient": "outpatient",
}

FORMATS: Final[dict[str, str]] = {
    "in_person": "in person",
    "virtual": "virtual (join from home)",
    "hybrid": "hybrid (in person and virtual)",
}

SCHEDULE_SLOTS: Final[dict[str, str]] = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "weekend": "weekend",
}

POPULATIONS: Final[dict[str, str]] = {
    "adults": "adults",
    "adolescents": "adolescents",
    "young_adults": "young adults",
    "veterans": "veterans",
    "lgbtq": "LGBTQ+ people",
    "women": "women",
}

SPECIALTIES: Final[dict[str, str]] = {
    "substance_use": "substance use",
    "co_occurring": "co-occurring mental health and substance use conditions",
    "mood_anxiety": "depression and anxiety",
    "trauma": "trauma and PTSD",
    "eating_disorders": "eating disorders",
}

INSURANCE: Final[dict[str, str]] = {
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "tricare": "TRICARE",
    "aetna": "Aetna",
    "bcbs": "Blue Cross Blue Shield",
    "cigna": "Cigna",
    "united": "UnitedHealthcare",
    "humana": "Humana",
    "kaiser": "Kaiser Permanente",
}

# Not an insurer: the person has no insurance or wants to pay themselves.
SELF_PAY: Final = "self_pay"
PAYMENT_IDS: Final[frozenset[str]] = frozenset({*INSURANCE, SELF_PAY})
