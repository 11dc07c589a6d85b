"""How a classifier-only crisis prediction is settled against the rule detector's analysis."""

from __future__ import annotations

import pytest

from bot.safety.decision import CLASSIFIER_ONLY_MIN_CONFIDENCE, classifier_crisis_stands
from bot.safety.detector import SafetyAnalysis, SafetyFinding

NOTHING = SafetyAnalysis(None)
IDIOM = SafetyAnalysis(None, non_crisis_rule_ids=("idiom.killing_me",))
FOUND = SafetyAnalysis(SafetyFinding("suicide", "want to die", "suicide.direct"))


@pytest.mark.parametrize(
    ("confidence", "analysis", "stands"),
    [
        (0.99, NOTHING, True),
        (CLASSIFIER_ONLY_MIN_CONFIDENCE, NOTHING, True),
        (CLASSIFIER_ONLY_MIN_CONFIDENCE - 0.01, NOTHING, False),
        (0.5, NOTHING, False),
        (1.0, IDIOM, False),  # a recognised idiom or denial explains the words
        (1.0, FOUND, False),  # the rules already escalate; this path is for classifier-only calls
    ],
)
def test_classifier_only_crisis_needs_confidence_and_no_explanation(
    confidence: float, analysis: SafetyAnalysis, stands: bool
) -> None:
    assert classifier_crisis_stands(confidence, analysis) is stands
