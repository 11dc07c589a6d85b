"""Deterministic crisis detector: spaCy token patterns from `patterns.yml` (no Rasa, no model).

`detect(text)` returns a `SafetyFinding` (category, matched phrase, rule id) or None.
`is_recognised_non_crisis(text)` tells whether the text matched only idioms, negations or topic
phrases, so the NLU component can veto a classifier's false alarm. The spaCy pipeline (blank English,
lookup lemmatizer from spacy-lookups-data, sentencizer, Matcher) is built on first use and cached.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.safety.language import guess_language

if TYPE_CHECKING:  # spaCy is imported lazily: it is slow to import
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Span

PATTERNS_PATH = Path(__file__).with_name("patterns.yml")
CATEGORIES = ("suicide", "self_harm", "overdose", "withdrawal", "harm_to_others", "abuse")
KINDS = ("crisis", "negation", "idiom", "topic", "cue", "detail", "past")
CUES = ("means", "time", "goodbye", "hopeless", "worse")
"""Ambiguous alone; a danger signal when the conversation already holds a disclosed risk."""
DETAILS = ("child_abuse", "sexual_assault", "domestic_violence")
"""In priority order: a child's abuse gets Childhelp first, then RAINN, then the DV hotline."""
SUPPRESSING_KINDS = ("negation", "idiom")
MAX_CHARS = 8_000
"""Longer messages are scanned as their first and last MAX_CHARS // 2 characters."""
MAX_PATTERNS_PER_RULE = 5_000

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\ufeff\u00ad\u180e"))
# Curly quotes and dashes, then Cyrillic and Greek letters that look like Latin ones.
_LOOKALIKES = str.maketrans(
    "\u2018\u2019\u02bc\u2032`\u00b4\u201c\u201d\u2013\u2014аеорсухіѕкмтοικν",
    "''''''\"\"--aeopcyxiskmtoikv",
)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_INSIDE = re.compile(r"(?<=[a-z])[013457@$!](?=[a-z])")
_LEET_START = re.compile(r"(?<![\w@$!])[0@$](?=[a-z]{2,})")
_TAG = re.compile(r"<[^<>]{0,300}>")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")
_MANY = r"^([1-9][0-9]+|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|dozen)$"
"""`#many` in patterns: ten or more (taking "2 pills" is an ordinary dose, "20" is not)."""


class PatternError(ValueError):
    """patterns.yml is malformed; the message names the rule and the problem."""


@dataclass(frozen=True)
class SafetyFinding:
    """A crisis signal: the safety category, the phrase that matched and the rule that fired.

    `detail` (none, child_abuse, sexual_assault, domestic_violence) and `language` (en, es) choose
    the crisis reply's resources and language (bot.safety.resources.crisis_message).
    """

    category: str
    phrase: str
    rule_id: str
    detail: str = "none"
    language: str = "en"
    topic_only: bool = False
    """Every crisis rule that fired names a topic (`topic_term`): the word, not a stated danger."""
    needs_confirmation: bool = False
    """Every crisis rule that fired is a topic word or a phrase ambiguous alone (`confirm`): the semantic
    layer may demote the finding to a cue (bot.safety.decision)."""


@dataclass(frozen=True)
class Clause:
    """A clause of the normalised message; `vetoed` when a denial, idiom or topic phrase covers it."""

    text: str
    vetoed: bool = False


@dataclass(frozen=True)
class SafetyAnalysis:
    """Everything the detector saw in one message."""

    finding: SafetyFinding | None
    non_crisis_rule_ids: tuple[str, ...] = ()
    suppressed_rule_ids: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    """The message's clauses, for the semantic layer (which scores only the ones not vetoed)."""
    cues: tuple[str, ...] = ()
    """Cue kinds (CUES) found: not a crisis alone, one after a disclosed risk."""
    details: tuple[str, ...] = ()
    """Situation details (DETAILS) found anywhere in the message, in priority order."""
    language: str = "en"
    history: bool = False
    """The message tells of a time long past ("two years ago", "when I was 15", "I used to") with
    nothing of now: no present-danger word ("again", "tonight"), no intention ("want to", "thinking
    about") and no cue. The semantic layer alone does not escalate it (bot.safety.decision)."""

    @property
    def detail(self) -> str:
        """The most specific detail, or "none"."""
        return self.details[0] if self.details else "none"

    @property
    def recognised_non_crisis(self) -> bool:
        """No crisis, but an idiom, negation or topic phrase was recognised."""
        return self.finding is None and bool(self.non_crisis_rule_ids or self.suppressed_rule_ids)


@dataclass(frozen=True)
class Rule:
    """One rule of patterns.yml."""

    id: str
    kind: str
    reason: str
    patterns: tuple[str, ...]
    category: str | None = None
    at_clause_end: bool = False
    topic_term: bool = False
    confirm: bool = False
    history: bool = False
    with_any: str | None = None
    without_any: str | None = None
    not_after: str | None = None
    cue: str | None = None
    detail: str | None = None
    message_wide: bool = False


@dataclass(frozen=True)
class RuleSet:
    """The parsed patterns file."""

    rules: tuple[Rule, ...]
    groups: dict[str, tuple[str, ...]] = field(hash=False)
    category_priority: tuple[str, ...]


# ----------------------------------------------------------------------------- normalisation


def normalise(text: str) -> str:
    """Lowercase, NFKC, no zero-width/combining marks, HTML tags and entities, leetspeak in words."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = f"{text[:half]} . {text[-half:]}"
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_LOOKALIKES)
    # Accents off ("corté" -> "corte", "mí" -> "mi"): people type them or not, the rules match both.
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = unicodedata.normalize("NFKC", text).lower()
    text = _LEET_START.sub(lambda m: _LEET[m.group(0)], text)
    text = _LEET_INSIDE.sub(lambda m: _LEET[m.group(0)], text)
    text = _REPEATS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


# ----------------------------------------------------------------------------- loading rules


def load_rules(path: Path = PATTERNS_PATH) -> RuleSet:
    """Parse and check patterns.yml (does not compile the patterns)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise PatternError(f"{path}: expected a mapping with a 'rules' list")
    groups = {
        str(name): _texts(f"group {name!r}", entries) for name, entries in (data.get("groups") or {}).items()
    }
    priority = tuple(data.get("category_priority") or CATEGORIES)
    if sorted(priority) != sorted(CATEGORIES):
        raise PatternError(f"category_priority must list exactly {CATEGORIES}")
    rules = []
    seen: set[str] = set()
    for raw in data["rules"]:
        rule = Rule(
            id=str(raw.get("id", "")),
            kind=str(raw.get("kind", "")),
            reason=str(raw.get("reason", "")).strip(),
            patterns=_texts(f"rule {raw.get('id')!r}", raw.get("patterns") or ()),
            category=raw.get("category"),
            at_clause_end=bool(raw.get("at_clause_end", False)),
            topic_term=bool(raw.get("topic_term", False)),
            confirm=bool(raw.get("confirm", False)),
            history=bool(raw.get("history", False)),
            with_any=raw.get("with_any"),
            without_any=raw.get("without_any"),
            not_after=raw.get("not_after"),
            cue=raw.get("cue"),
            detail=raw.get("detail"),
            message_wide=bool(raw.get("message_wide", False)),
        )
        _check_rule(rule, groups, seen)
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(rules=tuple(rules), groups=groups, category_priority=priority)


def _texts(owner: str, entries: Any) -> tuple[str, ...]:
    """A group's entries or a rule's patterns, each a string (YAML reads a bare no or yes as a bool)."""
    if not isinstance(entries, (list, tuple)):
        raise PatternError(f"{owner}: expected a list of strings")
    odd = [entry for entry in entries if not isinstance(entry, str)]
    if odd:
        raise PatternError(f"{owner}: {odd!r} is not text; quote it (a bare no or yes is a YAML bool)")
    return tuple(entries)


_FLAT_GROUP = re.compile(r"\([^()]*\)\??")
"""A one-level group `(a b|c)`, maybe optional; what is left of a pattern without them has no parentheses."""


def _check_rule(rule: Rule, groups: dict[str, tuple[str, ...]], seen: set[str]) -> None:
    problems = []
    if not rule.id or rule.id in seen:
        problems.append("missing or duplicate id")
    if rule.kind not in KINDS:
        problems.append(f"kind must be one of {KINDS}")
    if (rule.kind == "crisis") != (rule.category in CATEGORIES):
        problems.append(f"crisis rules (and only they) need a category from {CATEGORIES}")
    if (rule.kind == "cue") != (rule.cue in CUES):
        problems.append(f"cue rules (and only they) need a cue from {CUES}")
    if (rule.kind == "detail") != (rule.detail in DETAILS):
        problems.append(f"detail rules (and only they) need a detail from {DETAILS}")
    if not rule.reason:
        problems.append("every rule needs a reason")
    if not rule.patterns:
        problems.append("no patterns")
    for option in (rule.with_any, rule.without_any, rule.not_after):
        if option is not None and option not in groups:
            problems.append(f"unknown group {option!r}")
    for pattern in rule.patterns:
        for name in re.findall(r"@(\w+)", pattern):
            if name not in groups:
                problems.append(f"unknown group @{name} in {pattern!r}")
        if re.search(r"[()]", _FLAT_GROUP.sub("", pattern)):
            problems.append(f"nested or unbalanced parentheses in {pattern!r} (groups are one level deep)")
    if problems:
        raise PatternError(f"rule {rule.id or '?'}: " + "; ".join(problems))


# ----------------------------------------------------------------------------- compiling

# A token position: (attribute, values); attribute is LOWER, LEMMA, ANY or NUM.
Position = tuple[str, frozenset[str]]
"""(attribute, values); attribute is LOWER, LEMMA, ANY, NUM or MANY, with a trailing "?" when optional."""
Alternative = tuple[Position, ...]


def _lemma(nlp: Language, word: str) -> str:
    """The lookup lemma of one lowercase word (the same table the pipeline uses)."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    return str(table.get(word, word))


def _pattern_words(nlp: Language, chunk: str) -> list[str]:
    """The tokens of one word of a pattern, as the tokenizer splits the same word in a message.

    A contraction written apart ("i 'm", "could 've") is one token, as in "i'm" and "could've": the
    tokenizer alone would split a bare "'m" or "'ve" into an apostrophe and letters, which no message has.
    """
    if chunk.startswith("'") and len(chunk) > 1 and chunk[1:].isalpha():
        return [chunk]
    return [token.text for token in nlp.make_doc(chunk)]


def _alternative(nlp: Language, text: str) -> Alternative:
    """One alternative ("can't", "~take", "my _", "#num") as token positions."""
    if text in ("_", "#num", "#many"):
        return ((text.upper().lstrip("#") if text != "_" else "ANY", frozenset()),)
    lemma_first = text.startswith("~")
    words = [word for chunk in text.lstrip("~").split() for word in _pattern_words(nlp, chunk)]
    positions: list[Position] = []
    for i, word in enumerate(words):
        if word == "_":
            positions.append(("ANY", frozenset()))
        elif word == "#num":
            positions.append(("NUM", frozenset()))
        elif i == 0 and lemma_first:
            positions.append(("LEMMA", frozenset({_lemma(nlp, word)})))
        else:
            positions.append(("LOWER", frozenset({word})))
    return tuple(positions)


def _merge(alternatives: set[Alternative]) -> list[Alternative]:
    """Merge alternatives that differ in the values of one position ("want to", "wish to")."""
    current = set(alternatives)
    changed = True
    while changed:
        changed = False
        for index in range(max((len(alt) for alt in current), default=0)):
            buckets: dict[tuple[Any, ...], set[str]] = {}
            for alt in current:
                if len(alt) <= index or alt[index][0] not in ("LOWER", "LEMMA"):
                    buckets[("keep", alt)] = set()
                    continue
                key = (alt[:index], alt[index][0], alt[index + 1 :])
                buckets.setdefault(key, set()).update(alt[index][1])
            merged = {
                key[1] if key[0] == "keep" else key[0] + ((key[1], frozenset(values)),) + key[2]
                for key, values in buckets.items()
            }
            if len(merged) < len(current):
                changed = True
            current = merged
    return sorted(current, key=repr)


_ELEMENT = re.compile(r"\(([^()]*)\)(\?)?|[^\s()]+")


def _element(nlp: Language, element: str, groups: dict[str, tuple[str, ...]]) -> list[Alternative]:
    """One element: `word`, `a|b`, `~lemma|b`, `@group`, `_`, `#num`, `(a b|c)`, each maybe with `?`."""
    optional = element.endswith("?") and len(element) > 1
    element = element[:-1] if optional else element
    alternatives: set[Alternative] = set()
    if element.startswith("(") and element.endswith(")"):
        for sequence in element[1:-1].split("|"):
            alternatives.update(_sequence(nlp, sequence, groups))
    else:
        lemma = element.startswith("~")
        for option in element.lstrip("~").split("|"):
            if option.startswith("@"):
                for entry in groups[option[1:]]:
                    alternatives.update(_sequence(nlp, entry, groups))
            elif option:
                alternatives.add(_alternative(nlp, "~" + option if lemma else option))
    result = _merge(alternatives)
    if optional and len(result) == 1 and len(result[0]) == 1 and result[0][0][0] in ("LOWER", "LEMMA"):
        ((attribute, values),) = result[0]
        return [((attribute + "?", values),)]  # one optional token: OP "?" instead of two patterns
    if optional:
        result.append(())
    return result


def _sequence(nlp: Language, text: str, groups: dict[str, tuple[str, ...]]) -> list[Alternative]:
    """A space-separated sequence of elements as the list of its expansions."""
    elements = [_element(nlp, match.group(0), groups) for match in _ELEMENT.finditer(text)]
    count = 1
    for alternatives in elements:
        count *= len(alternatives)
    if count > MAX_PATTERNS_PER_RULE:
        raise PatternError(f"pattern {text!r} expands to {count} token patterns; split it")
    return [
        tuple(position for alt in combination for position in alt)
        for combination in itertools.product(*elements)
    ]


def _token_pattern(position: Position) -> dict[str, Any]:
    attribute, values = position
    if attribute.endswith("?"):
        return {**_token_pattern((attribute[:-1], values)), "OP": "?"}
    if attribute == "ANY":
        return {}
    if attribute == "NUM":
        return {"LIKE_NUM": True}
    if attribute == "MANY":
        return {"LOWER": {"REGEX": _MANY}}
    if len(values) == 1:
        # An exact value is compared in the matcher's compiled code; a set needs a Python predicate
        # call per token.
        return {attribute: next(iter(values))}
    return {attribute: {"IN": sorted(values)}}


def compile_pattern(
    nlp: Language, pattern: str, groups: dict[str, tuple[str, ...]]
) -> list[list[dict[str, Any]]]:
    """Expand one pattern string into spaCy Matcher token patterns."""
    if pattern.count("(") != pattern.count(")"):
        raise PatternError(f"unbalanced parentheses in {pattern!r}")
    return [
        [_token_pattern(position) for position in alternative]
        for alternative in _sequence(nlp, pattern, groups)
        if alternative
    ]


@dataclass(frozen=True)
class _RuleMatcher:
    """Those of one rule's (or group's) token patterns that share an anchor: run only when it is present."""

    key: str
    matcher: Matcher
    anchors: frozenset[str] | None
    """Words (lowercase form or lemma) of which each of these patterns needs one; None: run always."""


@dataclass(frozen=True)
class _Engine:
    nlp: Language
    matchers: tuple[_RuleMatcher, ...]
    """Each rule's matchers, the rules in the order they were added."""
    rules: dict[str, Rule]
    groups: dict[str, tuple[str, ...]]
    priority: dict[str, int]
    by_anchor: dict[str, tuple[int, ...]]
    """Anchor word -> the positions in `matchers` of the matchers it anchors."""
    unanchored: tuple[int, ...]
    """Positions of the matchers run on every message."""

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(rule or `group:name`, start, end) of every match, in the order the rules were added.

        A Matcher's time grows with its patterns times the message's tokens; 13,000 token patterns in
        one tried each at every token (3.3 ms a message on average, 10 ms for 40 tokens). A pattern
        whose anchor word the message lacks cannot match, so only the matchers of the message's words
        run, each holding one rule's patterns with one anchor.
        """
        chosen = set(self.unanchored)
        for word in {token.lower_ for token in doc} | {token.lemma_ for token in doc}:
            chosen.update(self.by_anchor.get(word, ()))
        found: list[tuple[str, int, int]] = []
        chosen_matchers = (self.matchers[index] for index in sorted(chosen))
        for key, matchers in itertools.groupby(chosen_matchers, key=lambda matcher: matcher.key):
            spans = {(start, end) for rule in matchers for _, start, end in rule.matcher(doc)}
            found.extend((key, start, end) for start, end in sorted(spans))
        return found


def _anchor(pattern: list[dict[str, Any]], common: frozenset[str]) -> frozenset[str] | None:
    """The values of the pattern's most selective required word position (None: it has none)."""
    best: tuple[tuple[bool, int], frozenset[str]] | None = None
    for token in pattern:
        if "OP" in token:
            continue
        for attribute in ("LOWER", "LEMMA"):
            values = _word_values(token.get(attribute))
            if values:
                score = (not common.isdisjoint(values), len(values))
                if best is None or score < best[0]:
                    best = (score, values)
    return best[1] if best else None


def _word_values(spec: Any) -> frozenset[str]:
    """The words a token position accepts: one exact word or a set of them (none for other tests)."""
    if isinstance(spec, str):
        return frozenset([spec])
    if isinstance(spec, dict) and "IN" in spec:
        return frozenset(str(v) for v in spec["IN"])
    return frozenset()


def _rule_matchers(nlp: Language, key: str, patterns: list[list[dict[str, Any]]]) -> list[_RuleMatcher]:
    """One matcher for each anchor of the rule's patterns (patterns with no anchor share one)."""
    from spacy.matcher import Matcher

    common = frozenset(nlp.Defaults.stop_words)
    by_anchor: dict[frozenset[str] | None, list[list[dict[str, Any]]]] = {}
    for pattern in patterns:
        by_anchor.setdefault(_anchor(pattern, common), []).append(pattern)
    matchers = []
    for anchors, anchored in by_anchor.items():
        matcher = Matcher(nlp.vocab, validate=False)
        matcher.add(key, anchored)
        matchers.append(_RuleMatcher(key, matcher, anchors))
    return matchers


def _build_nlp() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.initialize()  # loads the lookup tables from the installed spacy-lookups-data package
    return nlp


@lru_cache(maxsize=4)
def _engine(path: Path = PATTERNS_PATH) -> _Engine:
    """Compile the rules once per process (first call only)."""
    ruleset = load_rules(path)
    nlp = _build_nlp()
    matchers: list[_RuleMatcher] = []
    for rule in ruleset.rules:
        compiled = [p for pattern in rule.patterns for p in compile_pattern(nlp, pattern, ruleset.groups)]
        matchers.extend(_rule_matchers(nlp, rule.id, compiled))
    used_groups = {
        name for rule in ruleset.rules for name in (rule.with_any, rule.without_any) if name is not None
    } | ({"present_danger", "intention_now"} & set(ruleset.groups))
    for name in sorted(used_groups):
        group_patterns = compile_pattern(nlp, f"@{name}", ruleset.groups)
        matchers.extend(_rule_matchers(nlp, f"group:{name}", group_patterns))
    by_anchor: dict[str, list[int]] = {}
    for index, matcher in enumerate(matchers):
        for word in matcher.anchors or ():
            by_anchor.setdefault(word, []).append(index)
    return _Engine(
        nlp=nlp,
        matchers=tuple(matchers),
        rules={rule.id: rule for rule in ruleset.rules},
        groups=ruleset.groups,
        priority={category: i for i, category in enumerate(ruleset.category_priority)},
        by_anchor={word: tuple(indexes) for word, indexes in by_anchor.items()},
        unanchored=tuple(i for i, matcher in enumerate(matchers) if matcher.anchors is None),
    )


# ----------------------------------------------------------------------------- matching


def _words(engine: _Engine, group: str) -> frozenset[str]:
    return frozenset(entry for entry in engine.groups[group] if " " not in entry)


def _at_clause_end(engine: _Engine, doc: Doc, end: int) -> bool:
    if end >= len(doc):
        return True
    token = doc[end]
    return (
        token.is_punct
        or token.is_space
        or not (token.is_alpha or token.like_num)
        or token.lower_ in _words(engine, "clause_end")
    )


def _is_topic_question(engine: _Engine, sentence: Span) -> bool:
    """A question with no personal pronoun ("Is IOP for people who self-harm?")."""
    question = "?" in sentence.text or sentence[0].lower_ in _words(engine, "qstart")
    personal = _words(engine, "personal")
    return question and not any(token.lower_ in personal for token in sentence)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _analyse_doc(engine: _Engine, doc: Doc) -> SafetyAnalysis:
    matches = engine.matches(doc)
    present = {rule_id[6:] for rule_id, _, _ in matches if rule_id.startswith("group:")}
    by_kind: dict[str, list[tuple[Rule, int, int]]] = {kind: [] for kind in KINDS}
    for rule_id, start, end in matches:
        if rule_id in engine.rules:
            rule = engine.rules[rule_id]
            by_kind[rule.kind].append((rule, start, end))

    def applies(rule: Rule, start: int, end: int) -> bool:
        if rule.at_clause_end and not _at_clause_end(engine, doc, end):
            return False
        if rule.not_after and start > 0 and doc[start - 1].lower_ in _words(engine, rule.not_after):
            return False
        if rule.kind != "crisis" and rule.with_any and rule.with_any not in present:
            return False
        return not (rule.kind != "crisis" and rule.without_any and rule.without_any in present)

    for kind in ("negation", "idiom", "topic", "cue", "detail"):
        by_kind[kind] = [(r, s, e) for r, s, e in by_kind[kind] if applies(r, s, e)]
    blocking = [(s, e) for kind in SUPPRESSING_KINDS for r, s, e in by_kind[kind]]
    past = [(s, e) for _, s, e in by_kind["past"]]
    now = "present_danger" in present
    topics = [(s, e) for _, s, e in by_kind["topic"]]
    if any(rule.message_wide for rule, _, _ in by_kind["topic"]):
        topics.append((0, len(doc)))
    candidates: list[tuple[Rule, int, int]] = []
    suppressed: list[str] = []
    for rule, start, end in by_kind["crisis"]:
        if rule.at_clause_end and not _at_clause_end(engine, doc, end):
            continue
        if rule.with_any and rule.with_any not in present:
            continue
        if rule.without_any and rule.without_any in present:
            continue
        topical = rule.topic_term and (
            _overlaps(start, end, topics) or _is_topic_question(engine, doc[start:end].sent)
        )
        if topical or _overlaps(start, end, blocking) or _resolved_past(doc, start, past, now):
            suppressed.append(rule.id)
            continue
        candidates.append((rule, start, end))
    non_crisis = tuple(sorted({r.id for kind in ("negation", "idiom", "topic") for r, _, _ in by_kind[kind]}))
    # A message-wide topic ("after my shift", "in my class") sets aside topic words only: it vetoes no
    # clause from the semantic layer ("... 9 stories is enough right? going up there after my shift").
    vetoes = [(s, e) for kind in ("negation", "idiom") for _, s, e in by_kind[kind]]
    vetoes += [(s, e) for rule, s, e in by_kind["topic"] if not rule.message_wide]
    cues = tuple(sorted({str(r.cue) for r, cs, ce in by_kind["cue"] if not _overlaps(cs, ce, vetoes)}))
    found_details = {str(r.detail) for r, _, _ in by_kind["detail"]}
    details = tuple(d for d in DETAILS if d in found_details)
    language = guess_language(doc.text)
    clauses = tuple(Clause(doc[s:e].text, _overlaps(s, e, vetoes)) for s, e in clause_spans(doc))
    suppressed_ids = tuple(sorted(set(suppressed)))
    history = (
        any(rule.history for rule, _, _ in by_kind["past"])
        and not now
        and "intention_now" not in present
        and not cues
    )
    if not candidates:
        return SafetyAnalysis(None, non_crisis, suppressed_ids, clauses, cues, details, language, history)
    # Ties (same category, start and length) go to the rule listed first in patterns.yml.
    rule, start, end = min(
        candidates, key=lambda c: (engine.priority[str(c[0].category)], c[1], -(c[2] - c[1]))
    )
    finding = SafetyFinding(
        str(rule.category),
        doc[start:end].text,
        rule.id,
        details[0] if details else "none",
        language,
        all(candidate.topic_term for candidate, _, _ in candidates),
        all(candidate.topic_term or candidate.confirm for candidate, _, _ in candidates),
    )
    return SafetyAnalysis(finding, non_crisis, suppressed_ids, clauses, cues, details, language, history)


def _resolved_past(doc: Doc, start: int, past: list[tuple[int, int]], now: bool) -> bool:
    """Whether the danger word at `start` sits in a sentence that places it in a resolved past.

    E.g. "I overdosed in 2019, clean 4 years", "when I was 16", in a message with nothing of now
    ("again", "still", "tonight", ...).
    """
    if now or not past:
        return False
    sentence = doc[start].sent
    return _overlaps(sentence.start, sentence.end, past)


_CLAUSE_BREAKS = frozenset(
    {",", ";", ":", "but", "though", "although", "however", "because", "cause", "cuz", "so", "and", "pero"}
)
_CONTRASTS = frozenset({"but", "though", "although", "however", "pero"})


def clause_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token spans of the clauses: sentences, cut at commas and at but/though/because/so/and.

    A piece shorter than three tokens stays with its neighbour ("no, i'm fine" is one clause), so a
    denial is never cut away from what it denies. A contrast is the exception: in "... hurting yourself?
    no but i have the pills ready" what follows "but" is a clause of its own, which a denial of the
    question before it does not cover.
    """
    spans: list[tuple[int, int]] = []
    for sentence in doc.sents:
        start = sentence.start
        for token in sentence:
            shortest = 1 if token.lower_ in _CONTRASTS else 3
            if token.lower_ in _CLAUSE_BREAKS and token.i - start >= shortest and sentence.end - token.i > 3:
                spans.append((start, token.i))
                start = token.i + (1 if token.is_punct else 0)
        if sentence.end > start:
            spans.append((start, sentence.end))
    return spans


def analyse(text: str, path: Path = PATTERNS_PATH) -> SafetyAnalysis:
    """Run the detector on one message (any text; never raises on odd input)."""
    if not isinstance(text, str):
        return SafetyAnalysis(None)
    normalised = normalise(text)
    if not normalised:
        return SafetyAnalysis(None)
    engine = _engine(path)
    return _analyse_doc(engine, engine.nlp(normalised))


def detect(text: str) -> SafetyFinding | None:
    """The crisis signal in `text`, or None."""
    return analyse(text).finding


def is_recognised_non_crisis(text: str) -> bool:
    """True when `text` holds no crisis signal but a known idiom, negation or topic phrase."""
    return analyse(text).recognised_non_crisis


def warm_up() -> None:
    """Build the pipeline now (servers call this at start so the first message is fast)."""
    _engine()
