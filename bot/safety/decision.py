"""How the layers combine into one decision (docs/safety.md, "Layers").

- The rules (bot.safety.detector) are precise: when a crisis rule fires, the message is a crisis. One
  exception: when the only rules that fired name a topic (`topic_term`: "overdose", "suicidal",
  "self-harm") or a phrase ambiguous alone (`confirm`: "I can't do this anymore") and the semantic
  layer scores the message below TOPIC_CONFIRM_FLOOR, the words are about the topic or an ordinary
  hardship, not a danger ("after my overdose in January I did detox and IOP", "52 applications and not
  one callback, i cant do this anymore"): the message is a cue only, which escalates after a disclosed
  risk. Without a semantic layer (no model loaded) the rule stands.
- The semantic classifier (bot.safety.semantic) recognises danger phrased in ways no rule knows. It
  scores the whole message (less any vetoed clause); either layer alone raises a concern. A message of
  several sentences has each sentence scored too, and one sentence escalates alone from
  SENTENCE_THRESHOLD: a crisis told inside a long practical message dilutes the whole-message score.
- A denial, idiom or topic phrase the rules recognise vetoes only the clause it covers, never the whole
  message: in "I'm not suicidal, I just want to go to sleep and not wake up" the first clause is set
  aside and the rest is still scored.
- A message that tells of a danger long past ("two years ago I tried to kill myself; today I got my
  chip"), with no word of now, no intention and no cue (`SafetyAnalysis.history`), is no crisis on the
  classifier's score alone: the classifier learned the danger words, not their time. A rule still
  decides by itself (its own resolved-past check is in the detector), and after a disclosed risk the
  score makes the message a cue.
- A plain thanks-and-goodbye ("Thank you so much. I really appreciate it. Goodbye.") is never a crisis
  on the classifier's score; only a rule can make it one. After the crisis reply, such a goodbye gets the
  resources again from the dialogue's own rules, not a second escalation.
- Some messages are ambiguous alone ("I got them", "tonight", "bye everyone"): a cue rule or a
  semantic score between the cue threshold and the threshold marks them, and they escalate only when
  the conversation already holds a disclosed risk (`risk_on_record`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from bot.safety.detector import SafetyAnalysis
from bot.safety.semantic import SemanticScore

DEFAULT_THRESHOLD = 0.7
DEFAULT_CUE_THRESHOLD = 0.5
CUE_MESSAGE_THRESHOLD = 0.85
"""A message a cue rule marks as ambiguous alone ("I got them, they're in my hand now") escalates on the
classifier alone only from this probability; below it, it waits for a disclosed risk. On the
development sets this cost 1 of 448 and 2 of 333 crisis messages and no false alarm at 0.8. Since the
classifier also fits on the development crisis sets, it reads means in hand as danger more readily ("i got
them, they're in my hand now" 0.81); cross-fitted, 0.85 loses no development crisis message and one false
alarm (0.9 would lose three)."""
TOPIC_CONFIRM_FLOOR = 0.05
"""Below this P(crisis), a topic word or a `confirm` phrase alone does not escalate. On the development
sets, topic-word crises scored 0.12 and more, and a third of the topic-word false alarms scored below
0.05; crises with "I can't do this anymore" and its kin scored 0.40 and more, a job search 0.01."""
SENTENCE_THRESHOLD = 0.95
"""One sentence of a longer message escalates alone from this P(crisis). On the development sets it
raised recall by 1 of 262 and 4 of 333 crisis messages without a false alarm; at 0.8 it cost 2.6 points
of false alarms on the second set (docs/safety.md)."""
SENTENCE_MIN_WORDS = 25
"""Shorter messages are not split: a short message's whole score is not diluted, and each sentence costs
an encoder pass. On the development sets, splitting from 0, 20, 25 or 30 words gave the same figures (40
lost a crisis); from 25 words, 1.7 % of their messages are split (8 % from 20), which keeps the p95 cost."""
CATEGORY_MIN_THRESHOLD: dict[str, float] = {"withdrawal": 0.9}
"""A semantic concern in these categories needs at least this P(crisis). Pooled over the twelve
development sets, semantic-only withdrawal concerns below 0.9 were 2 crisis messages and 13 false alarms
(questions about symptoms, mild withdrawal typed as a screening answer); the rules name the danger signs
(seizures, hallucinations, DTs) themselves."""
SPANISH_MIN_THRESHOLD = 0.95
"""The encoder is English-only: a Spanish message escalates on the rules (bot/safety/patterns.yml has
Spanish families) and on the classifier only when it is nearly certain."""
HIGH_SEVERITY_CATEGORIES = frozenset({"overdose", "withdrawal", "harm_to_others"})
HIGH_SEVERITY_CUES = frozenset({"means", "time"})
HIGH_SEVERITY_RULE_WORDS = ("plan", "means", "method", "attempt", "in_progress", "now")


FAREWELL_WORDS = frozenset(
    """thanks thank thx ty tysm tyvm you u ya so much very a lot really i appreciate appreciated it that
    this all the help helpful info information answers answer questions for your time goodbye bye byee
    byeee good night day evening one have great nice wonderful weekend rest of take care see later talk
    soon peace out cya ttyl ok okay k kk alright aight cool perfect awesome thats that's needed need was
    what just gracias muchas adios got gotta go now to again and signing logging heading off for the
    goodnight no nope nah yep yeah yup will be today""".split()
)
"""The words of a plain thanks-and-goodbye ("Thank you so much. I really appreciate it. Goodbye.")."""
LEAVING_WORDS = frozenset(
    "thanks thank thx ty tysm tyvm appreciate appreciated goodbye bye byee byeee peace cya ttyl gracias adios"
    " night goodnight care later".split()
)
FAREWELL_MAX_WORDS = 20


def plain_farewell(text: str) -> bool:
    """A message made only of thanks and goodbye words: no crisis on the classifier's score alone.

    The classifier learned goodbye notes ("thank you for everything. goodbye"), and scores a polite
    goodbye high too. Any other word ("everything", "everyone", "sorry", "forever") makes it more than a
    plain farewell. On the development sets and the crisis training examples, no crisis message is one.
    """
    words = re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))
    if not words or len(words) > FAREWELL_MAX_WORDS:
        return False
    return set(words) <= FAREWELL_WORDS and bool(set(words) & LEAVING_WORDS)


@dataclass(frozen=True)
class Assessment:
    """The safety decision for one message, with what it rests on (staff see `source`)."""

    concern: bool
    category: str | None = None
    detail: str = "none"
    language: str = "en"
    severity: str | None = None
    """"high" (acute: a plan, means at hand, a body in danger) or "moderate"."""
    source: str | None = None
    """"rules", "semantic" or "context" (a cue after a disclosed risk)."""
    probability: float = 0.0
    """The semantic layer's highest crisis probability over the scored units (0.0 when not scored)."""
    cues: tuple[str, ...] = ()
    rule_id: str | None = None

    @property
    def ambiguous(self) -> bool:
        """Not a concern alone, but one if the conversation already holds a disclosed risk."""
        return not self.concern and bool(self.cues)


def scored_units(analysis: SafetyAnalysis, text: str) -> list[str]:
    """The text the semantic layer scores: the whole message, or the rest of it without vetoed clauses.

    A clause is vetoed when a denial, idiom or topic phrase covers it; the veto never silences the rest.
    """
    if not text.strip():
        return []
    if not any(clause.vetoed for clause in analysis.clauses):
        return [text]
    rest = " ".join(clause.text for clause in analysis.clauses if not clause.vetoed)
    return [rest] if rest.strip() else []


_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])\s+|\s*[,;]\s+(?=(?:and|but|also|honestly|not that|i|im|i'm|idk)\s)", re.IGNORECASE
)


def sentence_units(units: Sequence[str]) -> list[str]:
    """The sentences of a long scored text (at least SENTENCE_MIN_WORDS words) when it has several."""
    if sum(len(unit.split()) for unit in units) < SENTENCE_MIN_WORDS:
        return []
    parts = [part.strip() for unit in units for part in _SENTENCE_BREAK.split(unit)]
    parts = [part for part in parts if part]
    return parts if len(parts) > 1 else []


def score_message(
    score: Callable[[Sequence[str]], Sequence[SemanticScore]], analysis: SafetyAnalysis, text: str
) -> tuple[list[SemanticScore], list[SemanticScore]]:
    """The scores of `scored_units` and of their `sentence_units`, from one call of `score`."""
    units = scored_units(analysis, text)
    sentences = sentence_units(units)
    scores = list(score([*units, *sentences])) if units else []
    return scores[: len(units)], scores[len(units) :]


def _severity(category: str | None, cues: Sequence[str], rule_id: str | None, probability: float) -> str:
    if category in HIGH_SEVERITY_CATEGORIES or HIGH_SEVERITY_CUES & set(cues):
        return "high"
    if rule_id and any(word in rule_id for word in HIGH_SEVERITY_RULE_WORDS):
        return "high"
    return "high" if probability >= 0.95 else "moderate"


def assess(
    analysis: SafetyAnalysis,
    scores: Sequence[SemanticScore] = (),
    threshold: float = DEFAULT_THRESHOLD,
    cue_threshold: float = DEFAULT_CUE_THRESHOLD,
    *,
    sentence_scores: Sequence[SemanticScore] = (),
    risk_on_record: bool = False,
    prior_category: str | None = None,
) -> Assessment:
    """Combine the rule analysis and the semantic scores into one decision.

    `scores` are those of `scored_units`, `sentence_scores` those of `sentence_units` of them.
    """
    if analysis.language == "es":
        threshold = max(threshold, SPANISH_MIN_THRESHOLD)
        cue_threshold = max(cue_threshold, SPANISH_MIN_THRESHOLD)
    if analysis.finding is None and analysis.cues:
        threshold = max(threshold, CUE_MESSAGE_THRESHOLD)
    best = max(scores, key=lambda s: s.probability, default=None)
    sentence = max(sentence_scores, key=lambda s: s.probability, default=None)
    if analysis.finding is None and plain_farewell(" ".join(clause.text for clause in analysis.clauses)):
        best, sentence = None, None  # a polite goodbye is no crisis on the classifier's word
    if sentence is not None and sentence.probability >= max(threshold, SENTENCE_THRESHOLD):
        if best is None or best.probability < threshold:
            best = sentence
    probability = best.probability if best else 0.0
    cues = tuple(analysis.cues)
    if probability >= cue_threshold and not cues:
        cues = ("semantic",)
    detail, language = analysis.detail, analysis.language
    finding = analysis.finding
    if finding is not None and finding.needs_confirmation and language != "es" and best is not None:
        if probability < TOPIC_CONFIRM_FLOOR:  # the encoder is English-only: Spanish rules always stand
            finding, cues = None, cues or ("topic",)
    if finding is not None:
        severity = _severity(finding.category, cues, finding.rule_id, probability)
        return Assessment(
            True, finding.category, detail, language, severity, "rules", probability, cues, finding.rule_id
        )
    # A danger long past, told with nothing of now: the classifier alone does not escalate it.
    if (
        best is not None
        and not analysis.history
        and probability >= max(threshold, CATEGORY_MIN_THRESHOLD.get(best.category, 0.0))
    ):
        severity = _severity(best.category, cues, None, probability)
        return Assessment(True, best.category, detail, language, severity, "semantic", probability, cues)
    if risk_on_record and cues:
        category = prior_category or (best.category if best else None)
        severity = _severity(category, cues, None, probability)
        return Assessment(True, category, detail, language, severity, "context", probability, cues)
    return Assessment(False, None, detail, language, None, None, probability, cues)
