"""Conversation basics: the first fallback stage offers the closest FAQ topics as buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.fallback import closest_topics, faq_selection
from bot.faq import topic_suggestions


class ActionSuggestTopics(Action):
    """Offer up to three likely topics, or say it did not understand when there are none."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Suggest FAQ topics from the response selector's ranking, with a none-of-these button."""
        ranking = faq_selection(tracker.latest_message).get("ranking") or []
        suggestions = closest_topics(ranking, topic_suggestions())
        if not suggestions:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons = [{"title": s.title, "payload": s.payload} for s in suggestions]
        buttons.append({"title": "None of these", "payload": "/deny"})
        dispatcher.utter_message(
            text="I'm not sure I understood. Did you mean one of these?", buttons=buttons
        )
        return []
