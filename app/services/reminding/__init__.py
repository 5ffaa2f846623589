"""Đôn đốc: which companies to remind and when, the outbox that delivers on the configured channels,
and what the reminders achieved."""

__all__ = ["outbox", "reminder_effect", "reminder_states", "reminders"]
