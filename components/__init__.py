"""Custom Rasa NLU components of this bot (referenced by module path in config.yml)."""
