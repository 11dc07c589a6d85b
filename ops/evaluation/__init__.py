"""`make eval`: measure the assistant (NLU, dialogue, safety, screening, speed and cost) into reports/.

`python -m ops.evaluation` writes `reports/report.md` (Markdown with PNG plots beside it) and
`reports/summary.json`. The pure parts (statistics, screening coverage, report rendering) import
neither Rasa nor TensorFlow; Rasa runs only as subprocesses and servers.
"""
