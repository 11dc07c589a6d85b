"""Custom Rasa components: NLU featurizer and extractors, policies, lock store and event broker."""
