"""Effects from the chat: filing 910.00 and paying the month's social payments, exactly once.

``ports`` — what the flows need from the integrations (tax cabinet, phone signing, kept key, bank), as protocols the
app injects (``EffectServices``); ``store`` — the ``effects`` table, audit and outbox over the event's transaction;
``ticks`` — ``poll_filings`` / ``poll_payments``, the worker's status pushes.
"""
