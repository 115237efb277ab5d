"""Reusable chat scenarios, one module per area (``documents``, ``notices``, …): each an ``async def
<area>_scenario(chat: ScriptedChat, lang: str)`` that any channel's stack runs (``dialogs.testing.ScriptedChat`` with
the channel's sender), so the same words are proved on Telegram, WhatsApp and the bare engine."""
