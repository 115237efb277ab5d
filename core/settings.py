"""Settings from the environment (and ``.env``), via pydantic-settings.

Setting names are a stable contract (issues call them so): add new ones, never rename. Secrets are ``SecretStr``
so they never appear in logs or reprs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Every setting of the product, with defaults that make ``make run`` work with no configuration."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # storage
    DATABASE_URL: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'asistent.sqlite3'}")
    DATA_DIR: Path = DEFAULT_DATA_DIR

    # Telegram (stable names)
    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_SERVER: str = "https://api.telegram.org"
    WEBHOOK_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: SecretStr | None = None

    # WhatsApp Cloud API (stable names)
    WHATSAPP_TOKEN: SecretStr | None = None
    WHATSAPP_PHONE_NUMBER_ID: str | None = None
    WHATSAPP_APP_SECRET: SecretStr | None = None
    WHATSAPP_VERIFY_TOKEN: SecretStr | None = None
    WHATSAPP_API_BASE: str = "https://graph.facebook.com/v23.0"

    # NLU
    RASA_URL: str | None = None
    RASA_TIMEOUT_SECONDS: float = 0.5

    # local mode
    HTTP_HOST: str = "127.0.0.1"
    HTTP_PORT: int = 8080

    # outbox sender
    OUTBOX_RATE_PER_SECOND: float = 25.0
    WHATSAPP_RATE_PER_SECOND: float = 80.0

    # signing
    ALLOW_TEST_KEYS: bool = False
    #: the НУЦ РК root and intermediate CA certificates (PEM/DER) signatures are checked against (docs/signing.md)
    NCA_TRUST_DIR: Path | None = None
    MASTER_KEY: SecretStr | None = None
    MASTER_KEY_FILE: Path | None = None

    # tariff
    PLATFORM_FEE_TENGE: int = 2000

    # runtime: Telegram front end, outbox sender, reminder scheduler (asistent run / asistent worker)
    #: keys the owner tags of button payloads; keep it stable across restarts (default: a file in DATA_DIR)
    DIALOG_PAYLOAD_SECRET: SecretStr | None = None
    TELEGRAM_MAX_FILE_BYTES: int = 10 * 1024 * 1024
    TELEGRAM_POLLING_CONCURRENCY: int = 32
    OUTBOX_BATCH_SIZE: int = 50
    OUTBOX_LEASE_SECONDS: float = 60.0
    OUTBOX_MAX_ATTEMPTS: int = 5
    REMINDER_TICK_SECONDS: float = 60.0
    LOG_LEVEL: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
