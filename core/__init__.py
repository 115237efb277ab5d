"""Core of asistent: tax rules as dated data, calculators, calendar, ledger, filings, payments, storage.

Imports nothing from aiogram, aiohttp or the dialogs: channels and integrations depend on the core, never the reverse.
"""
