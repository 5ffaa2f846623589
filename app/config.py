"""Settings from the environment (and an optional .env file). DATABASE_URL is the one switch
between the embedded SQLite default and PostgreSQL in production."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///data/zonerisk.db", alias="DATABASE_URL")
    secret_key: str = Field(
        default="zonerisk-development-key-change-me", alias="ZONERISK_SECRET_KEY", min_length=16
    )
    demo: bool = Field(default=True, alias="ZONERISK_DEMO")
    public_url: str = Field(default="http://localhost:8501", alias="ZONERISK_PUBLIC_URL")
    max_failed_logins: int = Field(default=5, alias="ZONERISK_MAX_FAILED_LOGINS", ge=1)
    lockout_minutes: int = Field(default=15, alias="ZONERISK_LOCKOUT_MINUTES", ge=1)

    def resolved_database_url(self) -> str:
        """A relative SQLite path is taken from the project folder, wherever the app is started."""
        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            path = ROOT / url[len(prefix) :]
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
        return url


@cache
def get_settings() -> Settings:
    return Settings()
