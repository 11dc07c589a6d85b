"""The foundation's promise: the running assistant answers through the REST channel."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.stack import RunningStack

pytestmark = pytest.mark.model


def test_hi_gets_a_greeting_that_discloses_the_bot(stack: RunningStack) -> None:
    replies = stack.say("test-greet", "hi")
    texts = " ".join(r.get("text", "") for r in replies)
    assert "automated" in texts
    assert "988" in texts  # the greeting always carries the crisis line


def test_web_app_health_reports_the_database(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.web_url}/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_rasa_api_refuses_requests_without_the_token(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.rasa_url}/conversations/someone/tracker", timeout=10)
    assert response.status_code == 401


@pytest.mark.parametrize("text", ["", " ", "x" * 20_000, "<script>alert(1)</script>", "\u200b\u202e😀"])
def test_odd_input_gets_an_answer_not_an_error(stack: RunningStack, text: str) -> None:
    replies = stack.say("test-odd", text)
    assert isinstance(replies, list)
