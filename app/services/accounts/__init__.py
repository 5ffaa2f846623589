"""Logging in: passwords, sessions of the app, and the throttle that keeps strangers from guessing or
locking anyone out."""

__all__ = ["auth", "throttle"]
