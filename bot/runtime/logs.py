"""Logging that never prints a secret: Bot API tokens are masked wherever they appear (they sit in every Bot API
URL, ``/bot<token>/<method>``), in messages and in tracebacks alike."""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_TOKEN = re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{6,}\b")


def mask_token(text: str) -> str:
    """``…/bot123:ABC…/sendMessage`` → ``…/bot***/sendMessage``, and a bare token → ``***``."""
    return _TOKEN.sub("***", _TOKEN_IN_URL.sub("/bot***", text))


class MaskSecrets(logging.Filter):
    """Rewrites every record's message (and traceback text) with tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_token(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            record.exc_text = mask_token(logging.Formatter().formatException(record.exc_info))
        return True


def setup_logging(level: str = "INFO") -> None:
    """One stderr handler on the root logger, with the mask."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    name = level.upper()
    root.setLevel(name if name in logging.getLevelNamesMapping() else "INFO")
    if root.level > logging.DEBUG:  # one line per long poll (bot and page) drowns everything else; a proxy logs access
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
