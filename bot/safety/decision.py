"""How the two detection layers combine (docs/safety.md, "Layers").

The rule detector is the precise layer: when it fires, the message is a crisis. The trained classifier
adds recall for phrasings the rules do not know, but alone it is imprecise (measured on the safety
corpus with the rules switched off: 82 % recall, 41 % of hard negatives flagged). So a crisis predicted
by the classifier alone escalates only when the classifier is confident and no idiom, denial or topic
question explains the words.
"""

from __future__ import annotations

from bot.safety.detector import SafetyAnalysis

CLASSIFIER_ONLY_MIN_CONFIDENCE = 0.9


def classifier_crisis_stands(
    confidence: float,
    analysis: SafetyAnalysis,
    minimum: float = CLASSIFIER_ONLY_MIN_CONFIDENCE,
) -> bool:
    """Whether a `crisis` intent predicted without a rule finding should still escalate."""
    return analysis.finding is None and not analysis.recognised_non_crisis and confidence >= minimum
