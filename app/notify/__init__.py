"""Reminders (đôn đốc): who to remind, when, on which channel and in which words — pure rules and
templates kept as data — and the channel adapters that speak SMTP and the SMS/Zalo gateways' HTTP.
No database and no Streamlit here: `app/services/reminding/reminders.py` feeds the planner and
drains the outbox."""
