"""``python -m bot.webchat [--port 8080]``: the emulator and the page alone, for trying the page or pointing a bot
at it by hand (``TELEGRAM_API_SERVER=http://127.0.0.1:8080``, any well-formed token). ``asistent run`` wires the
real bot in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from bot.emulator import serve
from bot.webchat.app import create_webchat_app


async def _main(host: str, port: int) -> None:
    running = await serve(create_webchat_app(), host, port)
    sys.stderr.write(f"web chat: {running.url}/  Bot API: {running.url}/bot<token>/<method>\n")
    try:
        await asyncio.Event().wait()
    finally:
        await running.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.webchat")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.host, args.port))


if __name__ == "__main__":
    main()
