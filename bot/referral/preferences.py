"""Extract program preferences from a message with spaCy rules (no trained model, pure).

`spacy.blank("en")` + the lookup lemmatizer (spacy-lookups-data) + an EntityRuler whose patterns
carry the normalized id, so "evenings", "after work" -> schedule_slot=evening and "Anthem BCBS" ->
insurance=bcbs. Numbers (ZIP, miles, ages) are read by token patterns and checked in code.
The pipeline is built on first use and cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Final

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from bot.referral.geo import UnknownZipError, locate_zip

# entity -> normalized id -> phrases. Words also match by lookup lemma, so plurals need no entry.
PHRASES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "schedule_slot": {
        "morning": ("morning", "in the morning", "before work", "early in the day"),
        "afternoon": ("afternoon", "after school", "midday", "lunchtime"),
        "evening": (
            "evening",
            "after work",
            "at night",
            "nights",
            "night group",
            "night session",
            "after dinner",
            "after 5",
            "after 6",
            "weeknight",
        ),
        "weekend": ("weekend", "weekends", "saturday", "saturdays", "sunday", "sundays"),
    },
    "care_format": {
        "virtual": (
            "online",
            "virtual",
            "virtually",
            "telehealth",
            "tele-health",
            "telemedicine",
            "video",
            "zoom",
            "from home",
            "remote",
            "remotely",
        ),
        "in_person": ("in person", "in-person", "face to face", "face-to-face", "on site", "onsite"),
        "hybrid": ("hybrid", "both online and in person", "mix of online and in person"),
    },
    "insurance": {
        "medicaid": ("medicaid", "medi-cal", "medi cal", "masshealth"),
        "medicare": ("medicare",),
        "tricare": ("tricare", "tri care", "tri-care"),
        "aetna": ("aetna",),
        "bcbs": (
            "bcbs",
            "blue cross",
            "blue shield",
            "blue cross blue shield",
            "anthem",
            "anthem bcbs",
            "anthem blue cross",
        ),
        "cigna": ("cigna",),
        "united": (
            "united healthcare",
            "unitedhealthcare",
            "united health care",
            "uhc",
            "united health",
            "united plan",
            "united insurance",
        ),
        "humana": ("humana",),
        "kaiser": ("kaiser", "kaiser permanente"),
        "self_pay": (
            "no insurance",
            "uninsured",
            "not insured",
            "don't have insurance",
            "do not have insurance",
            "doesn't have insurance",
            "does not have insurance",
            "no have insurance",
            "without insurance",
            "self pay",
            "self-pay",
            "out of pocket",
            "pay cash",
            "sliding scale",
            "no coverage at all",
            "no coverage of her own",
            "no coverage of his own",
            "no coverage of my own",
            "pay myself",  # "paying myself" too: a phrase word is compared as written, others by lemma
            "pay for it myself",
            "so i would pay",
            "so i'd pay",
            "so i will pay",
        ),
    },
    "population": {
        "adolescents": ("teen", "teenager", "teenage", "adolescent", "high school", "high schooler"),
        "young_adults": (
            "young adult",
            "college student",
            "college age",
            "college-age",
            "college aged",
            "college kid",
            "university student",
            "young people",
            "younger people",
            "young folks",
            "twenty-somethings",
            "twentysomethings",
            "in their twenties",
            "in their 20s",
        ),
        "adults": ("adult", "adult program"),
        "veterans": (
            "veteran",
            "military",
            "served in the army",
            "served in the military",
            "army vet",
            "navy vet",
            "marine vet",
            "combat vet",
            "vets only",
            "vets-only",
            "just vets",
            "for vets",
            "other vets",
            "fellow vets",
        ),
        "lgbtq": (
            "lgbtq",
            "lgbt",
            "lgbtqia",
            "lgbtq+",
            "lgbtqia+",
            "lgbt+",
            "queer",
            "gay",
            "lesbian",
            "bisexual",
            "transgender",
            "nonbinary",
            "non-binary",
            "trans man",
            "trans woman",
            "trans people",
            "trans folks",
        ),
        "women": (
            "for women",
            "women only",
            "women-only",
            "only women",
            "women's program",
            "other women",
            "all women",
            "all-women",
            "women's group",
            "womens group",
            "womens only",
            "women's only",
            "female only",
            "female-only",
            "all female",
            "all-female",
            "ladies only",
            "just women",
            "just for ladies",
        ),
    },
    "specialty": {
        "co_occurring": (
            "co-occurring",
            "co occurring",
            "cooccurring",
            "dual diagnosis",
            "dual-diagnosis",
            "mental health and substance use",
            "mental health and addiction",
        ),
        "substance_use": (
            "addiction",
            "substance use",
            "substance abuse",
            "alcohol",
            "drinking",
            "drug",
            "opioid",
            "opiate",
            "sobriety",
            # substances by name: "for the xanax and weed", "depression and the wine" (with a mood word,
            # co_occurring)
            "booze",
            "wine",
            "beer",
            "liquor",
            "whiskey",
            "vodka",
            "pills",
            "painkillers",
            "oxy",
            "oxycodone",
            "percs",
            "percocet",
            "fentanyl",
            "heroin",
            "xanax",
            "benzos",
            "weed",
            "marijuana",
            "cannabis",
            "meth",
            "cocaine",
            "kratom",
            "adderall",
            "stimulant",
            "soju",
            "sake",
            "tequila",
            "bourbon",
        ),
        "mood_anxiety": ("depression", "anxiety", "depressed", "anxious", "mood disorder"),
        "trauma": ("trauma", "ptsd", "post-traumatic", "traumatic"),
        "eating_disorders": ("eating disorder", "anorexia", "bulimia", "binge eating"),
    },
    "care_level": {
        "iop": ("iop", "intensive outpatient", "intensive outpatient program"),
        "php": ("php", "partial hospitalization", "partial hospital", "day program", "day treatment"),
        "residential": ("residential", "inpatient", "live-in"),
        "outpatient": ("outpatient", "weekly therapy", "regular outpatient"),
    },
}

ZIP_CUES: Final = (
    "near", "zip", "zipcode", "code", "in", "around", "by", "to", "from", "area", "of", "within",
)  # fmt: skip
"""Words before a five-digit number that make it a ZIP code ("within 10 miles of 94110")."""
NUMBER_WORDS: Final[dict[str, int]] = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17,
}  # fmt: skip
MAX_TEXT_CHARS: Final = 2000
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
NEGATIONS: Final = frozenset(
    {"not", "no", "n't", "nt", "dont", "never", "hate", "avoid", "except", "nothing"}
)
"""A word just before a preference that turns it down ("php not iop", "i hate video calls")."""
SINGLE_VALUED: Final = frozenset({"care_format"})
"""Preferences one person holds one value of: in person or virtual."""
CONFLICT_WINDOW: Final = 5
"""How far back a negation turns down one of two contradicting values of a single-valued preference."""
_ZIP_RE = re.compile(r"^\d{5}$")
_TAG_RE = re.compile(r"<[^<>]{0,200}>")
_NUM_PATTERN: dict[str, Any] = {"LIKE_NUM": True}
_NUMERIC_PATTERNS: Final[list[dict[str, Any]]] = [
    {
        "label": "zip_code",
        "pattern": [
            {"LOWER": {"IN": list(ZIP_CUES)}},
            {"LOWER": {"IN": ["is", ":", "code", "of"]}, "OP": "*"},
            {"TEXT": {"REGEX": r"^\d{5}$"}},
        ],
    },
    {"label": "max_distance", "pattern": [_NUM_PATTERN, {"LEMMA": {"IN": ["mile", "mi"]}}]},
    {"label": "max_distance", "pattern": [_NUM_PATTERN, {"TEXT": "-"}, {"LEMMA": "mile"}]},
    {
        "label": "age",
        "pattern": [
            _NUM_PATTERN,
            {"TEXT": "-", "OP": "?"},
            {"LEMMA": "year"},
            {"TEXT": "-", "OP": "?"},
            {"LOWER": "old"},
        ],
    },
]


@dataclass(frozen=True)
class Preference:
    """One extracted preference: entity type, normalized value and the character span it came from."""

    entity: str
    value: str
    start: int
    end: int


def _phrase_words(nlp: Language) -> frozenset[str]:
    return frozenset(
        token.text
        for values in PHRASES.values()
        for phrases in values.values()
        for phrase in phrases
        for token in nlp.make_doc(phrase.lower())
    )


def _base_forms_factory(words: frozenset[str]) -> Any:
    def base_forms(doc: Doc) -> Doc:
        # A pattern word as written ("evening") or else its lookup lemma ("evenings" -> "evening").
        # Comparing the lemma alone fails where the lookup table is odd ("evening" -> "even").
        for token in doc:
            token.norm_ = token.lower_ if token.lower_ in words else token.lemma_
        return doc

    return base_forms


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The blank English pipeline with lookup lemmas and the preference rules (built once)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    words = _phrase_words(nlp)
    if "referral_base_forms" not in Language.factories:
        Language.component("referral_base_forms", func=_base_forms_factory(words))
    nlp.add_pipe("referral_base_forms")
    patterns: list[dict[str, Any]] = [
        {
            "label": entity,
            "id": value,
            "pattern": [{"NORM": token.text} for token in nlp.make_doc(phrase.lower())],
        }
        for entity, values in PHRASES.items()
        for value, phrases in values.items()
        for phrase in phrases
    ]
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns + _NUMERIC_PATTERNS)  # type: ignore[attr-defined]
    return nlp


def _number(text: str) -> int | None:
    cleaned = text.replace(",", "")
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def _zip_at(token: Token) -> Preference:
    """The ZIP code preference a five-digit token gives."""
    return Preference("zip_code", token.text, token.idx, token.idx + len(token))


def _from_span(span: Span) -> Preference | None:
    label = span.label_
    if label == "zip_code":
        return _zip_at(span[-1])
    if label == "max_distance":
        miles = _number(span[0].text)
        if miles is None or not 0 < miles <= 500:
            return None
        return Preference("max_distance", str(miles), span.start_char, span.end_char)
    if label == "age":
        age = _number(span[0].text)
        if age is None or age < 12 or age > 120:
            return None
        value = "adolescents" if age < 18 else "adults"
        return Preference("population", value, span.start_char, span.end_char)
    return Preference(label, span.ent_id_, span.start_char, span.end_char)


def _clean(text: str) -> str:
    """Same-length cleanup, so spans still index the original text: tags blanked, NFKC, lower case.

    Phone keyboards type a curly apostrophe ("women’s group"); it becomes the straight one.
    """
    text = _TAG_RE.sub(lambda m: " " * len(m.group()), text).translate(_APOSTROPHES)
    for transform in (lambda t: unicodedata.normalize("NFKC", t), str.lower):
        changed = transform(text)
        if len(changed) == len(text):
            text = changed
    return text


def _doc(text: str) -> Doc:
    return pipeline()(_clean(text))


def extract_preferences(text: str) -> list[Preference]:
    """All preferences in `text`, in order. Empty, huge or odd input gives an empty or partial list."""
    if not text or not text.strip():
        return []
    text = text[:MAX_TEXT_CHARS]
    doc = _doc(text)
    kept = [
        (span, pref)
        for span in doc.ents
        if not _turned_down(span)
        and not _not_wanted(span)
        and not _greeting(span)
        and not _a_day_named(span)
        and not _work_hours(span)
        and not _plan_not_held(span)
        and (pref := _from_span(span)) is not None
    ]
    found = _settle_conflicts(kept)
    tokens = [t for t in doc if not t.is_punct and not t.is_space]
    if not doc.ents and len(tokens) == 1 and _ZIP_RE.match(tokens[0].text):
        found.append(_zip_at(tokens[0]))  # a bare ZIP code, e.g. the answer to "what is your ZIP code?"
    elif not any(p.entity == "zip_code" for p in found):
        found.extend(
            _zip_named_as_such(tokens)
            or _zip_beside_its_city(tokens, text)
            or _zip_among_preferences(tokens, found)
            or _zip_where_one_is(tokens)
        )
    if not any(p.entity == "insurance" for p in found):
        found.extend(_insurer_named_as_such(tokens))
    return _hybrid_over_its_parts(_combine_specialties(found))


INSURANCE_WORDS: Final = frozenset({"insurance", "insurer", "coverage", "insured", "insure"})
SHORT_INSURER_NAMES: Final = {"united": "united"}
"""Insurers' short names that are other words too ("united"): read only where insurance is meant."""


def _insurer_named_as_such(tokens: list[Token]) -> list[Preference]:
    """An insurer's short name where insurance is meant.

    In a message about insurance ("insurance is through his job, united"), in a message of three words
    or fewer ("united", "its united"), or after "on" or "through" ("im on united").
    """
    about_insurance = len([t for t in tokens if t.is_alpha]) <= 3 or any(
        t.lower_ in INSURANCE_WORDS for t in tokens
    )
    for token in tokens:
        before = token.doc[token.i - 1].lower_ if token.i > 0 else ""
        if token.lower_ in SHORT_INSURER_NAMES and (about_insurance or before in ("on", "through")):
            value = SHORT_INSURER_NAMES[token.lower_]
            return [Preference("insurance", value, token.idx, token.idx + len(token))]
    return []


ZIP_WORDS: Final = frozenset({"zip", "zipcode", "zips", "postal"})


def _zip_named_as_such(tokens: list[Token]) -> list[Preference]:
    """The one five-digit number of a message that speaks of a ZIP code ("oh u need my zip. its 72701")."""
    numbers = [t for t in tokens if _ZIP_RE.match(t.text)]
    if len(numbers) != 1 or not any(t.lower_ in ZIP_WORDS for t in tokens):
        return []
    return [_zip_at(numbers[0])]


def _zip_beside_its_city(tokens: list[Token], text: str) -> list[Preference]:
    """A five-digit number with no cue word that is a ZIP code of a city the message names.

    "Office is downtown Chicago, 60601" or "33130, Miami": the city makes the number a place, where
    "I make 45000 a year" stays a number.
    """
    lowered = text.lower()
    for token in tokens:
        if not _ZIP_RE.match(token.text):
            continue
        try:
            city = locate_zip(token.text).city.lower()
        except UnknownZipError:
            continue
        if re.search(rf"\b{re.escape(city)}\b", lowered):
            return [_zip_at(token)]
    return []


def _zip_among_preferences(tokens: list[Token], found: list[Preference]) -> list[Preference]:
    """The one five-digit number, a known ZIP code, of a message listing other search preferences.

    "evenings. 89101" or "virtual, evenings, BCBS, 83702": beside what a search is for, the number is
    where; alone ("I make 45000 a year") it stays a number.
    """
    numbers = [t for t in tokens if _ZIP_RE.match(t.text)]
    if len(numbers) != 1 or not found or not _known_zip(numbers[0].text):
        return []
    return [_zip_at(numbers[0])]


PLACE_CUES: Final = frozenset({"live", "living", "located", "based", "near", "around", "area"})
"""Words that say where one is ("we live near 60614"): beside them a known ZIP code is a place; so does
"in" after a form of "be" or "here" ("I'm in Ballard, 98107")."""
BEING_IN: Final = frozenset({"m", "'m", "am", "are", "'re", "re", "here", "stay", "staying"})
CORRECTION_WORDS: Final = frozenset({"no", "sorry", "actually", "mean", "wait", "oops", "correction"})


def _zip_where_one_is(tokens: list[Token]) -> list[Preference]:
    """A known ZIP code in a message that says where one is, or the last of two with a correction between.

    "I'm in Ballard, 98107" names a place; "85004. no sorry, 85006, that's home" corrects the first.
    """
    numbers = [t for t in tokens if _ZIP_RE.match(t.text) and _known_zip(t.text)]
    if len(numbers) == 2 and any(
        t.lower_ in CORRECTION_WORDS for t in tokens if numbers[0].i < t.i < numbers[1].i
    ):
        return [_zip_at(numbers[1])]
    if len(numbers) == 1 and any(t.lower_ in PLACE_CUES or _being_in(t) for t in tokens):
        return [_zip_at(numbers[0])]
    return []


def _being_in(token: Token) -> bool:
    return token.lower_ == "in" and token.i > 0 and token.doc[token.i - 1].lower_ in BEING_IN


def _known_zip(text: str) -> bool:
    try:
        locate_zip(text)
    except UnknownZipError:
        return False
    return True


def _settle_conflicts(kept: list[tuple[Span, Preference]]) -> list[Preference]:
    """Drop a value that a negation farther back turns down, when another value contradicts it.

    In "in person please, i cant focus on zoom at all", zoom is not wanted.
    """
    values: dict[str, set[str]] = {}
    for _span, pref in kept:
        values.setdefault(pref.entity, set()).add(pref.value)
    kept = [
        (span, pref)
        for span, pref in kept
        if len(values[pref.entity]) < 2
        or pref.entity not in SINGLE_VALUED
        or not _turned_down(span, CONFLICT_WINDOW)
    ]
    taken = {id(span) for span, pref in kept if pref.entity == "schedule_slot" and _time_taken(span)}
    free = {pref.value for span, pref in kept if pref.entity == "schedule_slot" and id(span) not in taken}
    # "afternoons, she teaches piano in the mornings": a time already taken is no wish, if another is free
    return [pref for span, pref in kept if id(span) not in taken or not free - {pref.value}]


BUSY_WORDS: Final = frozenset(
    """work works working teach teaches teaching sleep sleeps sleeping asleep busy shift shifts class
    classes school useless booked taken rehearsal rehearsals practice practices training""".split()
)
"""Words that make a time of day one that is already taken ("i sleep in the morning", "mornings I'm
useless"); "evenings after work" keeps its wish ("after" or "before" goes first)."""
BUSY_WINDOW: Final = 3


def _time_taken(span: Span) -> bool:
    """Whether a busy word stands within `BUSY_WINDOW` words of `span`, in its clause."""
    return _said_before(span, BUSY_WINDOW, _busy) or _said_after(span, BUSY_WINDOW, _busy)


def _busy(token: Token) -> bool:
    """A word of a time taken ("sleep", "useless"), not one that qualifies a wish ("after work")."""
    return token.lower_ in BUSY_WORDS and (
        token.i == 0 or token.doc[token.i - 1].lower_ not in ("after", "before")
    )


def _said_before(span: Span, window: int, test: Callable[[Token], bool]) -> bool:
    """Whether one of the `window` words before `span`, in the same clause, passes `test`."""
    for token in reversed(span.doc[max(0, span.start - window) : span.start]):
        if token.is_punct:
            return False
        if test(token):
            return True
    return False


def _said_after(span: Span, window: int, test: Callable[[Token], bool]) -> bool:
    """Whether one of the `window` words after `span`, in the same clause, passes `test`."""
    for token in span.doc[span.end : span.end + window]:
        if token.is_punct:
            return False
        if test(token):
            return True
    return False


def _word_before(span: Span) -> str:
    """The lowercase word just before `span`, or "" at the start."""
    return span.doc[span.start - 1].lower_ if span.start > 0 else ""


def _negation(token: Token) -> bool:
    """A word that turns down what follows ("not", "dont"), not indifference ("don't mind")."""
    return token.lower_ in NEGATIONS and not _indifferent(token)


def _turned_down(span: Span, window: int = 2) -> bool:
    """Whether one of the `window` words before `span`, in the same clause, turns it down."""
    return _said_before(span, window, _negation)


WANT_WORDS: Final = frozenset({"want", "wanna", "like"})


def _not_wanted(span: Span, window: int = 10) -> bool:
    """Named in the same clause after "don't want" ("i dont want to sit with a bunch of college kids")."""
    return _said_before(
        span,
        window,
        lambda token: token.lower_ in WANT_WORDS and token.i > 0 and _negation(token.doc[token.i - 1]),
    )


DAY_NAMED_BEFORE: Final = frozenset({"this", "tomorrow", "yesterday", "last", "today", "tonight"})


def _a_day_named(span: Span) -> bool:
    """A time of one day, not a schedule ("i'll talk it over with my wife this evening")."""
    return span.label_ == "schedule_slot" and _word_before(span) in DAY_NAMED_BEFORE


def _greeting(span: Span) -> bool:
    """A time of day inside a greeting ("good afternoon", "good evening"), not a schedule."""
    return span.label_ == "schedule_slot" and _word_before(span) == "good"


WORK_BEFORE: Final = frozenset({"work", "works", "working", "worked", "pull", "pulling"})
WORK_AFTER: Final = frozenset({"shift", "shifts", "rotation", "rotations"})
WORK_CLAUSE: Final = frozenset(
    {"work", "works", "working", "job", "shift", "shifts", "doordash", "uber", "lyft"}
)
"""Words of one's job earlier in the same clause ("i work at my aunt's bakery in the afternoons")."""
CLAUSE_STOP: Final = frozenset(
    {",", ".", ";", "!", "?", "but", "so", "and", "prefer", "want", "like", "need", "rather", "best"}
    | {"better"}
)
"""Where the look back for WORK_CLAUSE stops: a new clause or a wish ("i work days so evenings")."""


def _work_hours(span: Span, window: int = 8) -> bool:
    """A time that says when one works, not when groups suit ("when im on nights", "night shifts")."""
    if span.label_ != "schedule_slot":
        return False
    doc = span.doc
    before = _word_before(span)
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    on_nights = before == "on" and span.text.lower() == "nights"  # "on weekends" is a wish
    if on_nights or before in WORK_BEFORE or after in WORK_AFTER:
        return True
    for token in reversed(doc[max(0, span.start - window) : span.start]):
        if token.lower_ in CLAUSE_STOP:
            return False
        if token.lower_ in WORK_CLAUSE:
            return True
    return False


NOT_HELD_BEFORE: Final = frozenset(
    {"get", "getting", "apply", "applying", "qualify", "qualifying", "eligible", "enroll", "enrolling"}
)


def _plan_not_held(span: Span, window: int = 3) -> bool:
    """A plan one may get, not one held ("could i get medicaid to cover it?", "do i qualify for medicaid")."""
    if span.label_ != "insurance" or span.ent_id_ == "self_pay":
        return False
    return _said_before(span, window, lambda token: token.lower_ in NOT_HELD_BEFORE)


def _indifferent(token: Token) -> bool:
    """A negation that says either is fine: "i don't mind", "i don't care if it's virtual"."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return following is not None and following.lower_ in {"mind", "care"}


def _combine_specialties(found: list[Preference]) -> list[Preference]:
    """Substance use mentioned with a mental health concern -> one co_occurring preference."""
    specialties = [p for p in found if p.entity == "specialty"]
    values = {p.value for p in specialties}
    if "co_occurring" not in values and not ("substance_use" in values and len(values) > 1):
        return found
    merged = Preference(
        "specialty", "co_occurring", min(p.start for p in specialties), max(p.end for p in specialties)
    )
    rest = [p for p in found if p.entity != "specialty"]
    return sorted([*rest, merged], key=lambda p: p.start)


def _hybrid_over_its_parts(found: list[Preference]) -> list[Preference]:
    """A hybrid format named with its parts is hybrid, not whichever part comes last.

    "Hybrid would be nice, in person some days and remote the others" wants hybrid.
    """
    if not any(p.entity == "care_format" and p.value == "hybrid" for p in found):
        return found
    return [p for p in found if p.entity != "care_format" or p.value == "hybrid"]


def preference_values(text: str) -> dict[str, str]:
    """Entity -> value, the last mention winning ("evenings, no, mornings" -> morning)."""
    return {pref.entity: pref.value for pref in extract_preferences(text)}
