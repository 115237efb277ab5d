"""Channel front ends (Telegram, WhatsApp), the local emulators and web chat, and the ``asistent`` CLI."""
