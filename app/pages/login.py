"""Log in (see app/ui/login.py)."""

from __future__ import annotations

from app.ui.login import login_form

login_form()
