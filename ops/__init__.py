"""Running, training and measuring the assistant.

Launcher, production stack, training, gates, migrations, retention, Rasa endpoint and content
rendering, the evaluation and its Rasa tools.

ops imports bot/, never the reverse: the domain knows nothing of how it is started or measured.
"""
