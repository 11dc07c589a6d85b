"""Rasa custom actions (the action server): glue between the dialogue and the use cases in bot/."""
