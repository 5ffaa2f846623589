"""Settings from the environment (and an optional .env file). DATABASE_URL is the one switch
between the embedded SQLite default and PostgreSQL in production.

`ZONERISK_ENV` says how careful to be. Unset counts as production, because the mistake to prevent is
an operator who forgets to say "production" and gets the demo's key, users and data:
- `production`: refuses to start without a strong `ZONERISK_SECRET_KEY` and a `ZONERISK_PUBLIC_URL`;
  never seeds demo data on its own.
- `demo` (what `./run.sh` sets): generates a random key into `data/secret.key` on first start and
  seeds the demo province into a brand-new database.
- `test` (what `.ci/run` and the test suite set): a fixed test key is allowed.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import yaml_text

ROOT = Path(__file__).resolve().parents[1]
DEMO_KEY_FILE = ROOT / "data" / "secret.key"
TEST_KEY = "zonerisk-test-key-not-for-production-0123456789"
MIN_KEY_BITS = 90
"""estimated; a random 32-hex-digit key (128 bits) estimates at 94–128 (100,000 drawn: none below
93.7), while worded keys fail the zxcvbn gate below"""
MIN_GUESSES_LOG10 = 25
"""zxcvbn: worded keys score ≤ 24 ('zonerisk-development-key-change-me' 23.7); random 32-hex keys
score 26.8–30 (5,000 drawn), because zxcvbn finds runs like '55555' or 'cdef' even in random text.
The bar was 30, which refused about one honest random key in twenty."""
_KEY_POLICY = yaml_text.load((ROOT / "app" / "data" / "secret_key_policy.yaml").read_text("utf-8"))
KNOWN_KEYS = frozenset(str(k) for k in _KEY_POLICY["published"]) | {TEST_KEY}
"""keys printed in this repository's history, docs or examples: never secret, whatever their entropy"""
PLACEHOLDER_WORDS = tuple(str(w).lower() for w in _KEY_POLICY["placeholder_words"])


class Mode(StrEnum):
    production = "production"
    demo = "demo"
    test = "test"


class UnsafeSettings(RuntimeError):
    """The settings would run the app unsafely; the message names the variable to set."""


@dataclass(frozen=True)
class SigningKey:
    """A secret with a short public id: tokens carry the id so that a rotated key is found."""

    secret: bytes
    key_id: str


def key_id(secret: str) -> str:
    return hashlib.sha256(b"zonerisk-key-id:" + secret.encode()).hexdigest()[:8]


def estimated_bits(secret: str) -> float:
    """A conservative entropy estimate: length × log2 of the distinct characters used, capped by the
    Shannon entropy of the text, so that 'aaaa…' or a short word does not pass."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    shannon = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return len(secret) * min(shannon, math.log2(max(len(counts), 2)))


@cache
def strong_enough(secret: str) -> bool:
    """No placeholder word ('change', 'example', 'secret'…), ≥ 90 bits by character statistics,
    and not guessable as words (zxcvbn: ≥ 10^25 guesses), so that neither 'aaaa…' nor
    'zonerisk-development-key-change-me' nor the example file's text passes, while any random
    128-bit key does. Remembered per key:
    the router checks the settings on every page run, and zxcvbn takes 18 ms."""
    from zxcvbn import zxcvbn

    lowered = secret.lower()
    return (
        not any(word in lowered for word in PLACEHOLDER_WORDS)
        and estimated_bits(secret) >= MIN_KEY_BITS
        and zxcvbn(secret[:100])["guesses_log10"] >= MIN_GUESSES_LOG10
    )


OWASP_ARGON2_KIB_PASSES = 7168 * 5
"""the least memory × passes among OWASP's argon2id settings (m=7 MiB, t=5); 19 MiB × 2 is above"""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    mode: Mode = Field(default=Mode.production, alias="ZONERISK_ENV")
    database_url: str = Field(default="sqlite:///data/zonerisk.db", alias="DATABASE_URL")
    read_database_url: str = Field(
        default="",
        alias="ZONERISK_READ_DATABASE_URL",
        description="where the pages' reads go: a PostgreSQL streaming replica when a province outgrows "
        "one server; empty means the primary (DATABASE_URL). Writes always go to the primary.",
    )
    db_pool_size: int = Field(default=5, alias="ZONERISK_DB_POOL_SIZE", ge=1)
    db_max_overflow: int = Field(default=10, alias="ZONERISK_DB_MAX_OVERFLOW", ge=0)
    db_statement_timeout_ms: int = Field(
        default=0,
        alias="ZONERISK_DB_STATEMENT_TIMEOUT_MS",
        ge=0,
        description="PostgreSQL's statement_timeout for this process's connections (0: none, for the "
        "command line's batch work; deploy/zonerisk.env sets 30 s for the web replicas)",
    )
    secret_key: str = Field(default="", alias="ZONERISK_SECRET_KEY")
    previous_secret_key: str = Field(default="", alias="ZONERISK_PREVIOUS_SECRET_KEY")
    previous_key_until: datetime | None = Field(
        default=None,
        alias="ZONERISK_PREVIOUS_KEY_UNTIL",
        description="until when tokens signed with the previous key still verify (ISO date-time)",
    )
    public_url: str = Field(default="", alias="ZONERISK_PUBLIC_URL")
    area_structure: str = Field(
        default="",
        alias="ZONERISK_AREA_STRUCTURE",
        description="the administrative structure of app/data/administrative_structures.yaml "
        "(districts_2021 or communes_2025); empty means the file's in_force",
    )
    # login throttling: failures allowed before each further try must wait, and the longest wait
    login_free_failures: int = Field(default=5, alias="ZONERISK_LOGIN_FREE_FAILURES", ge=1)
    login_max_delay_seconds: int = Field(default=900, alias="ZONERISK_LOGIN_MAX_DELAY_SECONDS", ge=1)
    login_known_client_days: int = Field(
        default=30,
        alias="ZONERISK_LOGIN_KNOWN_CLIENT_DAYS",
        ge=1,
        description="a client where an account logged in within this many days is never refused "
        "for failures that came from elsewhere",
    )
    trust_proxy: bool = Field(default=False, alias="ZONERISK_TRUST_PROXY")

    # Password hashing (issue 29): argon2id at OWASP's first recommended setting, 19 MiB, 2 passes,
    # 1 lane: 26 ms of one core per login against 180 ms for argon2-cffi's default (64 MiB, 3
    # passes, 4 lanes), which queued twenty officials logging in at once behind each other on two
    # cores. Stored hashes of other settings verify as before and are re-hashed at the next login.
    argon2_memory_kib: int = Field(default=19456, alias="ZONERISK_ARGON2_MEMORY_KIB", ge=7168)
    argon2_time_cost: int = Field(default=2, alias="ZONERISK_ARGON2_TIME_COST", ge=1)
    argon2_parallelism: int = Field(default=1, alias="ZONERISK_ARGON2_PARALLELISM", ge=1)

    # Login sessions (issue 25): server-side, behind an HttpOnly cookie; they end after this long
    # without a click, and this long after login whatever happens.
    session_idle_minutes: int = Field(
        default=30, alias="ZONERISK_SESSION_IDLE_MINUTES", ge=1, description="officials and admins"
    )
    session_idle_minutes_company: int = Field(
        default=120, alias="ZONERISK_SESSION_IDLE_MINUTES_COMPANY", ge=1, description="HR officers"
    )
    session_absolute_hours: float = Field(default=8, alias="ZONERISK_SESSION_ABSOLUTE_HOURS", gt=0)
    # Single sign-on through the province's OpenID Connect provider; off while the issuer is empty.
    oidc_issuer: str = Field(default="", alias="ZONERISK_OIDC_ISSUER")
    oidc_client_id: str = Field(default="", alias="ZONERISK_OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="ZONERISK_OIDC_CLIENT_SECRET")
    oidc_scopes: str = Field(default="openid email profile", alias="ZONERISK_OIDC_SCOPES")
    oidc_label: str = Field(
        default="Cổng định danh tỉnh / Province sign-on",
        alias="ZONERISK_OIDC_LABEL",
        description="the sign-on button's words, Vietnamese / English",
    )
    map_style: str = Field(
        default="carto-positron",
        alias="ZONERISK_MAP_STYLE",
        description="plotly map tiles the officials' browsers fetch (carto-positron, open-street-map…), "
        "or `offline` for longitude/latitude axes on networks without internet",
    )
    report_signer_name: str = Field(default="", alias="ZONERISK_REPORT_SIGNER_NAME")
    report_signer_title: str = Field(default="", alias="ZONERISK_REPORT_SIGNER_TITLE")
    signers: dict[str, str] = Field(
        default_factory=dict,
        alias="ZONERISK_SIGNERS",
        description='who signs each agency\'s visit plans, as JSON: {"zone_board": "Nguyễn Văn A", '
        '"labour": "…", "ict": "…"}; the ICT department\'s defaults to ZONERISK_REPORT_SIGNER_NAME',
    )
    backup_dir: Path = Field(
        default=Path("data/backups"),
        alias="ZONERISK_BACKUP_DIR",
        description="where restore keeps the safety backup it takes first (relative: from the project)",
    )
    max_upload_mb: int = Field(default=10, alias="ZONERISK_MAX_UPLOAD_MB", ge=1)

    # Reminders (issue 14): a channel with no host / URL / token is "not configured", and says so.
    smtp_host: str = Field(default="", alias="ZONERISK_SMTP_HOST")
    smtp_port: int = Field(default=587, alias="ZONERISK_SMTP_PORT", ge=1, le=65535)
    smtp_from: str = Field(default="", alias="ZONERISK_SMTP_FROM")
    smtp_user: str = Field(default="", alias="ZONERISK_SMTP_USER")
    smtp_password: str = Field(default="", alias="ZONERISK_SMTP_PASSWORD")
    smtp_starttls: bool = Field(default=True, alias="ZONERISK_SMTP_STARTTLS")
    sms_url: str = Field(default="", alias="ZONERISK_SMS_URL")
    sms_token: str = Field(default="", alias="ZONERISK_SMS_TOKEN")
    sms_sender: str = Field(default="ZoneRisk", alias="ZONERISK_SMS_SENDER")
    zalo_url: str = Field(
        default="https://business.openapi.zalo.me/message/template", alias="ZONERISK_ZALO_URL"
    )
    zalo_token: str = Field(default="", alias="ZONERISK_ZALO_TOKEN")
    zalo_templates: dict[str, str] = Field(
        default_factory=dict,
        alias="ZONERISK_ZALO_TEMPLATES",
        description='JSON: reminder template → the ZNS template id Zalo approved, e.g. {"due_soon": "2314"}',
    )
    gateway_timeout_seconds: float = Field(default=10.0, alias="ZONERISK_GATEWAY_TIMEOUT_SECONDS", gt=0)
    reminder_max_attempts: int = Field(default=6, alias="ZONERISK_REMINDER_MAX_ATTEMPTS", ge=1)

    @property
    def demo(self) -> bool:
        return self.mode is Mode.demo

    @model_validator(mode="after")
    def _argon2_at_least_owasp(self) -> Settings:
        """OWASP's argon2id settings all spend at least 7 MiB and about 35 MiB-passes; weaker is refused."""
        if self.argon2_memory_kib * self.argon2_time_cost < OWASP_ARGON2_KIB_PASSES:
            raise ValueError(
                "ZONERISK_ARGON2_MEMORY_KIB × ZONERISK_ARGON2_TIME_COST is below OWASP's minimum "
                f"({OWASP_ARGON2_KIB_PASSES} KiB-passes, e.g. 19456 × 2)"
            )
        return self

    @property
    def sso_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def resolved_database_url(self) -> str:
        """A relative SQLite path is taken from the project folder, wherever the app is started.
        `database_override` (the tests' fixtures) wins over DATABASE_URL."""
        url = _database_override or self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            path = ROOT / url[len(prefix) :]
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
        return url

    def resolved_read_database_url(self) -> str:
        """The reads' database: the override's, else ZONERISK_READ_DATABASE_URL, else the primary."""
        if _database_override is not None:
            return _read_database_override or _database_override
        return self.read_database_url or self.resolved_database_url()

    def effective_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        if self.mode is Mode.test:
            return TEST_KEY
        if self.mode is Mode.demo:
            return _demo_key()
        raise UnsafeSettings(_key_message())

    def signing_key(self) -> SigningKey:
        secret = self.effective_secret()
        return SigningKey(secret.encode(), key_id(secret))

    def verification_keys(self, now: datetime | None = None) -> dict[str, SigningKey]:
        """The current key, and the previous one while its grace period lasts."""
        current = self.signing_key()
        keys = {current.key_id: current}
        if self.previous_secret_key:
            until = self.previous_key_until
            now = now or datetime.now(UTC)
            if until is not None and until.tzinfo is None:
                until = until.replace(tzinfo=UTC)
            if until is None or now <= until:
                previous = SigningKey(self.previous_secret_key.encode(), key_id(self.previous_secret_key))
                keys.setdefault(previous.key_id, previous)
        return keys

    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.mode is Mode.production:
            raise UnsafeSettings(
                "ZONERISK_PUBLIC_URL chưa đặt: mã QR trên báo cáo cần địa chỉ công khai của hệ thống. / "
                "ZONERISK_PUBLIC_URL is not set: report QR codes need the system's public address."
            )
        return f"http://localhost:{os.environ.get('PORT', '8501')}"

    def check_safe(self) -> None:
        """Raise UnsafeSettings when this configuration must not serve anyone."""
        if self.mode is not Mode.production:
            return
        if not self.secret_key:
            raise UnsafeSettings(_key_message())
        if self.secret_key in KNOWN_KEYS or not strong_enough(self.secret_key):
            raise UnsafeSettings(
                "ZONERISK_SECRET_KEY quá yếu: cần một chuỗi ngẫu nhiên, ví dụ "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`. / "
                f"ZONERISK_SECRET_KEY is too weak (needs ≥ {MIN_KEY_BITS} bits): use a random string, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        self.effective_public_url()


def _key_message() -> str:
    return (
        "ZONERISK_SECRET_KEY chưa đặt: ở chế độ production cần một khoá bí mật ngẫu nhiên "
        "(hoặc đặt ZONERISK_ENV=demo để chạy thử). / "
        "ZONERISK_SECRET_KEY is not set: production needs a random secret key "
        "(or set ZONERISK_ENV=demo to try the app)."
    )


def _demo_key() -> str:
    """Demo mode's key: random, made once per checkout, kept out of git (data/ is ignored)."""
    if DEMO_KEY_FILE.exists():
        return DEMO_KEY_FILE.read_text("utf-8").strip()
    DEMO_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    temporary = DEMO_KEY_FILE.with_name(f".secret.key.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    try:
        os.link(temporary, DEMO_KEY_FILE)  # atomic: two first starts agree on one key
    except FileExistsError:
        key = DEMO_KEY_FILE.read_text("utf-8").strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key


@cache
def get_settings() -> Settings:
    return Settings()


_database_override: str | None = None
_read_database_override: str | None = None


@contextmanager
def database_override(url: str, read_url: str | None = None) -> Iterator[str]:
    """Point this process's services at `url` (and their reads at `read_url`, else `url`) for the
    duration, without editing the environment: how the tests hand each test its own database
    (subprocesses get DATABASE_URL explicitly)."""
    global _database_override, _read_database_override
    previous = _database_override, _read_database_override
    _database_override, _read_database_override = url, read_url
    try:
        yield url
    finally:
        _database_override, _read_database_override = previous
