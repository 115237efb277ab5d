"""Natural-language understanding: intents, entities, training data (Rasa 3 YAML), consultation knowledge base."""
