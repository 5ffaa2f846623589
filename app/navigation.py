"""Which pages each role has, as data: the router builds Streamlit's navigation from it, and the
web layer (app/web) knows from it which addresses are pages, so that an unknown one is answered
before Streamlit's "Page not found" dialog can appear."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class PageEntry(NamedTuple):
    script: str
    title_key: str
    icon: str

    @property
    def url_path(self) -> str:
        """Streamlit's address for a page file: its name without the extension."""
        return Path(self.script).stem


_OFFICIAL = [
    PageEntry("app/pages/overview.py", "nav.overview", ":material/dashboard:"),
    PageEntry("app/pages/lists.py", "nav.lists", ":material/list_alt:"),
    PageEntry("app/pages/company_detail.py", "nav.company_detail", ":material/factory:"),
    PageEntry("app/pages/reminders.py", "nav.reminders", ":material/campaign:"),
]
_PLANNER = PageEntry("app/pages/visits.py", "nav.visits", ":material/directions_car:")
_INSPECTIONS = PageEntry("app/pages/inspections.py", "nav.inspections", ":material/fact_check:")
_PROVINCE = PageEntry("app/pages/province.py", "nav.province", ":material/map:")
_PLATFORM = PageEntry("app/pages/platform_data.py", "nav.platform", ":material/sync_alt:")
_LEVELS = PageEntry("app/pages/epidemic_levels.py", "nav.epidemic_levels", ":material/coronavirus:")

PAGES: dict[str, list[PageEntry]] = {
    "zone_board": [*_OFFICIAL, _PLANNER, _INSPECTIONS, _LEVELS],
    "labour": [*_OFFICIAL, _PLANNER, _INSPECTIONS, _LEVELS],
    "ict": [*_OFFICIAL, _PLANNER, _INSPECTIONS, _PROVINCE, _PLATFORM, _LEVELS],
    "admin": [
        *_OFFICIAL,
        _PROVINCE,
        _LEVELS,
        _PLATFORM,
        PageEntry("app/pages/admin_users.py", "nav.admin_users", ":material/group:"),
        PageEntry("app/pages/admin_companies.py", "nav.admin_companies", ":material/domain_add:"),
        PageEntry("app/pages/admin_rounds.py", "nav.admin_rounds", ":material/event:"),
        PageEntry("app/pages/admin_rulesets.py", "nav.admin_rulesets", ":material/rule:"),
        PageEntry("app/pages/admin_audit.py", "nav.admin_audit", ":material/policy:"),
        PageEntry("app/pages/admin_clients.py", "nav.admin_clients", ":material/api:"),
    ],
    "company": [
        PageEntry("app/pages/home.py", "nav.home", ":material/home:"),
        PageEntry("app/pages/assessment.py", "nav.assessment", ":material/edit_note:"),
        PageEntry("app/pages/result.py", "nav.result", ":material/fact_check:"),
        PageEntry("app/pages/whatif.py", "nav.whatif", ":material/science:"),
        PageEntry("app/pages/history.py", "nav.history", ":material/history:"),
        PageEntry("app/pages/my_inspections.py", "nav.my_inspections", ":material/assignment_turned_in:"),
        PageEntry("app/pages/profile.py", "nav.profile", ":material/business:"),
    ],
}
PASSWORD_PAGE = PageEntry("app/pages/change_password.py", "nav.password", ":material/key:")
VERIFY_PATH = "verify"
"""the public page a report's QR code opens: anyone, logged in or not"""
LANDING_PATH = "start"
"""where `/` runs: it sends a logged-in user on to the role's home at the home's own address"""

ROLE_PATHS: frozenset[str] = frozenset(
    entry.url_path for entries in PAGES.values() for entry in [*entries, PASSWORD_PAGE]
)
"""every address that is a page of some role (a deep link to one is kept through the login)"""
KNOWN_PATHS: frozenset[str] = ROLE_PATHS | {VERIFY_PATH, LANDING_PATH}
