"""The one settings object, read from the environment (and ``.env``) and passed down from main."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import SUPPORTED_LOCALES
from bot.paths import messages_dir, schedules_dir


class Settings(BaseSettings):
    """Every setting the bot reads; DESIGN.md §2 and deploy/.env.example list them."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_base_file_url: str | None = None
    # Tests and the demo: every robot webhook (WeCom, DingTalk, Feishu) is posted to this base
    # (scheme and host, e.g. the loopback robots' http://127.0.0.1:PORT) instead of its platform.
    robot_webhook_base_url: str | None = None
    database_url: str = "sqlite:///safetybot.db"
    bot_timezone: str = "Asia/Shanghai"
    bot_locale: str = "zh_CN"
    # The regional profile new enterprises start with (schedules/regions.yaml): national rules
    # only, unless a deployment serves one region (BOT_REGION=hubei). /setup and /region change it.
    bot_region: str = Field(default="national", pattern=r"^[a-z][a-z_]{1,30}$")
    schedules_dir: Path = Field(default_factory=schedules_dir)
    messages_dir: Path = Field(default_factory=messages_dir)
    db_auto_migrate: bool = True
    # How far ahead occurrences and their reminders are written to the outbox.
    materialize_horizon_days: int = Field(default=45, ge=7, le=400)
    # How often the dispatcher wakes up to claim due reminders.
    dispatch_interval_seconds: float = Field(default=20.0, gt=0)
    # A claimed reminder not recorded as sent within the lease is claimed again.
    claim_lease_seconds: int = Field(default=120, ge=10)
    # Reminders whose fire time is older than this when the bot starts are gathered into one digest.
    catchup_after_minutes: int = Field(default=30, ge=1)
    # A group that muted the bot: its reminders are held and tried again after this wait,
    # doubled after every refused try, up to the cap (docs/reminders.md, "Muted groups").
    mute_retry_first_seconds: int = Field(default=300, ge=10)
    mute_retry_max_seconds: int = Field(default=4 * 3600, ge=60)
    # Sends Telegram refuses for a reason a retry may not fix (a closed topic, bad markup):
    # how many tries before the reminder is marked failed and the safety officer is told.
    reminder_max_failures: int = Field(default=5, ge=1, le=100)
    # Telegram's flood limits, enforced client-side (bot/telegram/ratelimit.py, pacing.py).
    # Overall: this rate on average, never a burst, and never more than the 30 requests
    # Telegram may count in one second; 29, not 30: at 30/s the 31st request comes exactly a
    # second after the first and any uneven arrival draws a 429.
    rate_limit_overall_per_second: float = Field(default=29, gt=0)
    rate_limit_group_per_minute: float = Field(default=20, gt=0)
    rate_limit_group_period_seconds: float = Field(default=60, gt=0)
    rate_limit_max_retries: int = Field(default=3, ge=0)
    # Bot API request timeouts (seconds). A send that times out may still have been delivered;
    # the outbox sends it again (at most one duplicate, see docs/reliability.md).
    telegram_connect_timeout: float = Field(default=5, gt=0)
    telegram_read_timeout: float = Field(default=10, gt=0)
    telegram_write_timeout: float = Field(default=10, gt=0)
    telegram_pool_timeout: float = Field(default=5, gt=0)
    # 逢查必考 knowledge checks: share of right answers needed to pass, days until a failed
    # worker's retest, minutes a worker has for a spot check before unanswered questions count wrong.
    quiz_pass_mark: float = Field(default=0.8, gt=0, le=1)
    quiz_retest_days: int = Field(default=7, ge=1, le=90)
    quiz_check_minutes: int = Field(default=10, ge=1, le=240)
    log_json: bool = False
    log_level: str = "INFO"
    # Webhook mode (several instances behind a reverse proxy): the public HTTPS URL Telegram
    # posts to, the secret it must echo in X-Telegram-Bot-Api-Secret-Token (the same on every
    # instance, so required), and where this process listens (health and metrics live there too).
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - behind a reverse proxy or in a container
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    webhook_path: str = Field(default="telegram", pattern=r"^[A-Za-z0-9_\-/]{1,100}$")
    # Polling mode: serve /healthz and /metrics on this port (off when unset).
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    # The office's web desk (docs/desk.md), served under /desk/ by the server above (the
    # webhook port, or METRICS_PORT in polling mode). DESK_BASE_URL is the public address
    # people open (``https://desk.example.cn``); /web answers "not configured" without it.
    desk_base_url: str | None = None
    # Key for signing login links; generated and kept in the database when unset.
    desk_secret: SecretStr | None = None
    # Session cookies only over HTTPS; by default when DESK_BASE_URL is an https:// URL.
    desk_secure_cookies: bool | None = None
    # A desk session ends this many hours after login (or when revoked or logged out).
    desk_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Evidence files (photos, documents) are downloaded when they arrive and kept here
    # (docs/desk.md, "Evidence storage"): a directory (relative: under the working directory,
    # /var/lib/safetybot in the image) or an S3-compatible bucket shared by several instances.
    evidence_store: Literal["local", "s3"] = "local"
    evidence_dir: Path = Path("evidence")
    evidence_s3_bucket: str | None = Field(default=None, validate_default=True)
    evidence_s3_endpoint: str | None = None  # e.g. http://minio:9000; unset: AWS
    evidence_s3_region: str | None = None
    evidence_s3_prefix: str = Field(default="", pattern=r"^([0-9A-Za-z._-]+/)*$")
    evidence_s3_access_key: SecretStr | None = None
    evidence_s3_secret_key: SecretStr | None = None
    # Larger files are refused (Telegram lets bots download at most 20 MB).
    evidence_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Stored files older than this are deleted by the purge job and their records marked.
    evidence_retention_days: int = Field(default=3 * 365, ge=1)

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("bot_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"BOT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator(
        "webhook_url",
        "webhook_secret",
        "metrics_port",
        "desk_base_url",
        "desk_secret",
        "desk_secure_cookies",
        "evidence_s3_bucket",
        "evidence_s3_endpoint",
        "evidence_s3_region",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # `WEBHOOK_URL=` in .env means "not set"

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("WEBHOOK_URL must be an https:// URL Telegram can reach")
        return value

    @field_validator("desk_base_url")
    @classmethod
    def _desk_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError(
                "DESK_BASE_URL must be an http(s):// URL, e.g. https://desk.example.cn"
            )
        return value.rstrip("/") if value is not None else None

    @field_validator("desk_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("DESK_SECRET must have at least 32 characters (openssl rand -hex 32)")
        return value

    @model_validator(mode="after")
    def _desk_needs_the_server(self) -> Settings:
        if self.desk_base_url and not self.webhook_url and self.metrics_port is None:
            raise ValueError(
                "DESK_BASE_URL needs the web server: set WEBHOOK_URL (webhook mode) or "
                "METRICS_PORT (polling mode; the desk is served on that port under /desk/)"
            )
        return self

    @property
    def desk_cookies_secure(self) -> bool:
        """Whether desk cookies carry ``Secure`` (DESK_SECURE_COOKIES, else an https base URL)."""
        if self.desk_secure_cookies is not None:
            return self.desk_secure_cookies
        return (self.desk_base_url or self.webhook_url or "").startswith("https://")

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError("required with WEBHOOK_URL (the same value on every instance)")
            return None
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()):
            raise ValueError(
                "must be 16-256 characters of A-Z, a-z, 0-9, _ and - "
                "(e.g. the output of `openssl rand -hex 32`)"
            )
        return value

    @field_validator("evidence_s3_bucket")
    @classmethod
    def _bucket_for_s3(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value and info.data.get("evidence_store") == "s3":
            raise ValueError("EVIDENCE_S3_BUCKET is required with EVIDENCE_STORE=s3")
        return value or None

    @field_validator("telegram_bot_token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() in {"", "changeme", "<token>"}:
            raise ValueError(
                "TELEGRAM_BOT_TOKEN is a placeholder; set the token BotFather gave you"
            )
        return value
