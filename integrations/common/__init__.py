"""Pieces shared by the sandboxes and clients of several integrations."""
