"""Shared NLU fixtures: one interpreter per session (the model is cached on disk and in memory)."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.interpreter import LocalInterpreter

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def interpreter() -> LocalInterpreter:
    return LocalInterpreter()
