"""Adapters binding the dialogs' ports to ``core`` and the integrations, one module per area."""
