"""``build_dispatcher``: the aiogram ``Dispatcher`` for the product, with the engine and the outbox injected.

```mermaid
flowchart LR
    U[Update] --> ERR[ErrorMiddleware] --> DUP[RecentUpdatesMiddleware] --> R{router}
    R -->|/command| CMD[commands] --> E[engine.handle]
    R -->|text, sticker| MSG[messages] --> E
    R -->|document, photo| FILE[files: download ≤ cap] --> E
    R -->|callback_query| BTN[buttons] --> E
    E --> D[ReplyDelivery] -->|sendMessage, editMessageText, sendPhoto, sendDocument| TG[(Bot API)]
    D -->|429 retry_after| OB[(outbox)]
```
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import BaseMiddleware, Dispatcher

from bot.outbox.protocol import OutboxWriter
from bot.telegram.commands import set_commands
from bot.telegram.frontend import DEFAULT_MAX_FILE_BYTES, FrontEnd, Now, utcnow
from bot.telegram.middlewares import ErrorMiddleware, RecentUpdatesMiddleware
from bot.telegram.routers import build_root_router
from dialogs.contract import DialogEngine


def build_dispatcher(
    engine: DialogEngine,
    *,
    outbox: OutboxWriter | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    drop_recent_duplicates: bool = True,
    publish_commands: bool = True,
    now: Now = utcnow,
    observers: Sequence[BaseMiddleware] = (),
) -> Dispatcher:
    """A dispatcher whose handlers get ``front`` (a ``FrontEnd``) by dependency injection.

    aiogram's FSM is off: conversation state lives in the engine's storage, so it survives restarts and is shared by
    every process and channel. ``observers`` are outer middlewares that see every update first and wrap all of its
    handling (latency metrics, tests waiting for an update to be done)."""
    front = FrontEnd(engine=engine, outbox=outbox, max_file_bytes=max_file_bytes, now=now)
    dp = Dispatcher(disable_fsm=True, front=front)
    for observer in observers:
        dp.update.outer_middleware(observer)
    dp.update.outer_middleware(ErrorMiddleware())
    if drop_recent_duplicates:
        dp.update.outer_middleware(RecentUpdatesMiddleware())
    dp.include_router(build_root_router())
    if publish_commands:
        dp.startup.register(set_commands)
    return dp
