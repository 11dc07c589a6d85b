"""Developer tools that import Rasa, run as subprocesses by `make eval` (bot/ never imports Rasa)."""
