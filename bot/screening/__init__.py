"""Level-of-care screening: rules engine, answer parsing and result messages (no Rasa imports)."""
