"""Login sessions behind the cookie: a hand-off spent once, idle and absolute expiry on an injected
clock, and every way a session ends (logout, password change, reset, deactivation, an admin)
ending it for every tab and replica, since they all read the same row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.services.accounts import auth, sessions, signon
from app.services.admin import users
from app.services.context import Actor, unit_of_work
from app.services.errors import Forbidden
from db.models import AuditEvent, LoginSession, User, utcnow
from tests.services.helpers import actor

OFFICIAL_PASSWORD = "LDTBXH-BacGiang-2021"


def _logged_in(role: str = "labour") -> tuple[Actor, str]:
    """An actor and the token a browser's cookie would hold."""
    who = actor(role)
    started = sessions.start(who, client="203.0.113.7", user_agent="Chromium")
    token = sessions.establish(started.handoff)
    assert token is not None
    return who, token


def test_a_hand_off_code_gives_one_cookie_once_and_spends_the_tab_token(seeded: str) -> None:
    who = actor("labour")
    started = sessions.start(who)
    assert sessions.resolve(started.token).actor == who  # the tab works before the cookie exists
    token = sessions.establish(started.handoff)
    assert token is not None and token not in (started.token, started.handoff)
    assert sessions.establish(started.handoff) is None  # a code replayed from a log or a history
    assert sessions.resolve(started.token).actor is None
    resolved = sessions.resolve(token)
    assert resolved.actor == who


def test_a_hand_off_code_works_only_in_the_browser_that_logged_in(seeded: str) -> None:
    """Login CSRF: a stranger's code, sent to a victim as a link, must not log the victim's browser
    into the stranger's account."""
    started = sessions.start(actor("ict"), browser="xsrf-of-the-officials-browser")
    assert sessions.establish(started.handoff) is None  # the victim's browser: no such cookie
    assert sessions.establish(started.handoff, browser="xsrf-of-another-browser") is None
    assert sessions.establish(started.handoff, browser="xsrf-of-the-officials-browser") is not None


def test_a_late_hand_off_code_is_refused(seeded: str) -> None:
    started = sessions.start(actor("ict"))
    later = utcnow() + timedelta(seconds=sessions.HANDOFF_SECONDS + 1)
    assert sessions.establish(started.handoff, now=later) is None


def test_the_database_holds_no_usable_token(seeded: str) -> None:
    _who, token = _logged_in()
    with unit_of_work() as session:
        stored = session.exec(select(LoginSession.token_hash)).all()
    assert token not in stored and all(len(value) == 64 for value in stored)


def test_an_official_is_logged_out_after_30_idle_minutes_but_not_before(seeded: str) -> None:
    who, token = _logged_in("zone_board")
    now = utcnow()
    assert sessions.resolve(token, now=now + timedelta(minutes=29)).actor == who  # touches last_seen
    # clicks keep it alive: 29 minutes after the last click, not after the login
    assert sessions.resolve(token, now=now + timedelta(minutes=58)).actor == who
    ended = sessions.resolve(token, now=now + timedelta(minutes=58 + 31))
    assert ended.actor is None and ended.ended == "idle"
    assert sessions.resolve(token, now=now + timedelta(minutes=60)).actor is None  # ended, not revived


def test_a_company_officer_gets_longer_idle_time_than_an_official(seeded: str) -> None:
    who, token = _logged_in("company")
    assert sessions.resolve(token, now=utcnow() + timedelta(minutes=90)).actor == who


def test_the_absolute_limit_ends_even_a_busy_session(seeded: str) -> None:
    who, token = _logged_in("ict")
    start = utcnow()
    for minutes in range(20, 8 * 60, 20):  # a click every 20 minutes all day
        assert sessions.resolve(token, now=start + timedelta(minutes=minutes)).actor == who
    ended = sessions.resolve(token, now=start + timedelta(hours=8, minutes=1))
    assert ended.actor is None and ended.ended == "absolute"


def test_a_stolen_cookie_is_useless_after_logout(seeded: str) -> None:
    _who, token = _logged_in()
    stolen = token
    sessions.end(token)
    assert sessions.resolve(stolen).actor is None
    assert sessions.resolve(stolen).ended == "ended"


def test_a_password_change_ends_every_other_session_and_keeps_the_one_that_made_it(seeded: str) -> None:
    me, _ = auth.authenticate("demo.labour", OFFICIAL_PASSWORD)
    here = sessions.establish(sessions.start(me).handoff)
    phone = sessions.establish(sessions.start(me).handoff)
    assert here and phone
    auth.change_password(me, OFFICIAL_PASSWORD, "Lao-Dong-Thuong-Binh-2026", keep_token=here)
    assert sessions.resolve(phone).actor is None
    kept = sessions.resolve(here).actor
    assert kept is not None and kept.username == "demo.labour"


@pytest.mark.parametrize("how", ["reset", "deactivate"])
def test_a_reset_or_deactivation_by_an_admin_ends_every_session(seeded: str, how: str) -> None:
    who, token = _logged_in()
    other = sessions.establish(sessions.start(who).handoff)
    assert other is not None
    if how == "reset":
        users.reset_password(actor("admin"), who.account_id)
    else:
        users.set_active(actor("admin"), who.account_id, False)
    assert sessions.resolve(token).actor is None and sessions.resolve(other).actor is None
    with unit_of_work() as session:
        reasons = set(
            session.exec(select(LoginSession.end_reason).where(LoginSession.user_id == who.user_id))
        )
    assert reasons == {"reset" if how == "reset" else "deactivated"}


def test_an_admin_sees_a_users_sessions_and_ends_one_or_all(seeded: str) -> None:
    who, laptop = _logged_in()
    phone = sessions.establish(sessions.start(who, client="198.51.100.4", user_agent="Phone").handoff)
    assert phone is not None
    admin = actor("admin")
    listed = sessions.active_for(admin, who.account_id)
    assert {s.client for s in listed} == {"203.0.113.7", "198.51.100.4"}
    phone_row = next(s for s in listed if s.user_agent == "Phone")
    assert sessions.end_for_admin(admin, who.account_id, phone_row.id) == 1
    assert sessions.resolve(phone).actor is None and sessions.resolve(laptop).actor == who
    assert [s.client for s in sessions.active_for(admin, who.account_id)] == ["203.0.113.7"]
    assert sessions.end_for_admin(admin, who.account_id) == 1
    assert sessions.resolve(laptop).actor is None
    with unit_of_work() as session:
        audited = session.exec(select(AuditEvent).where(AuditEvent.action == "user.sessions_end")).all()
    assert len(audited) == 2 and all(event.actor == "demo.admin" for event in audited)


def test_only_an_admin_may_list_or_end_sessions(seeded: str) -> None:
    who, _token = _logged_in()
    with pytest.raises(Forbidden):
        sessions.active_for(actor("ict"), who.account_id)
    with pytest.raises(Forbidden):
        sessions.end_for_admin(actor("zone_board"), who.account_id)


def test_the_language_is_the_accounts(seeded: str) -> None:
    who, token = _logged_in()
    assert sessions.resolve(token).language is None
    sessions.set_language(who, "en")
    assert sessions.resolve(token).language == "en"


def _register(username: str, *, subject: str | None = None, email: str | None = None) -> None:
    with unit_of_work(write=True) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.sso_subject, user.sso_email = subject, email
        session.add(user)


def test_sign_on_finds_only_a_registered_person_and_takes_nothing_from_the_claims(seeded: str) -> None:
    _register("demo.zoneboard", subject="vneid-0001")
    started = signon.sign_in(signon.Identity("https://id.bacgiang.gov.vn", "vneid-0001"))
    assert started is not None
    token = sessions.establish(started.handoff)
    assert token is not None
    signed_in = sessions.resolve(token).actor
    assert signed_in == actor("zone_board")  # role and zones from the account
    assert signon.sign_in(signon.Identity("https://id.bacgiang.gov.vn", "vneid-9999")) is None
    with unit_of_work() as session:
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "user.sso_refused")).one()
    assert refused.object_id == "vneid-9999" and refused.actor == "sign-on"


def test_sign_on_by_email_needs_the_provider_to_have_verified_it_and_binds_the_subject(seeded: str) -> None:
    _register("demo.ict", email="tttt@bacgiang.gov.vn")
    issuer = "https://id.bacgiang.gov.vn"
    unverified = signon.Identity(issuer, "sub-a", email="TTTT@bacgiang.gov.vn", email_verified=False)
    assert signon.sign_in(unverified) is None
    verified = signon.Identity(issuer, "sub-a", email="TTTT@bacgiang.gov.vn", email_verified=True)
    assert signon.sign_in(verified) is not None
    # the address is now bound to sub-a: someone else the provider gives that address is refused
    assert (
        signon.sign_in(signon.Identity(issuer, "sub-b", email="tttt@bacgiang.gov.vn", email_verified=True))
        is None
    )


def test_a_deactivated_person_cannot_sign_on(seeded: str) -> None:
    _register("demo.labour", subject="vneid-0002")
    users.set_active(actor("admin"), actor("labour").account_id, False)
    assert signon.sign_in(signon.Identity("https://id.bacgiang.gov.vn", "vneid-0002")) is None


def test_an_official_required_to_use_sign_on_cannot_use_the_password(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings

    _register("demo.ict", subject="vneid-ict-0002")
    assert users.require_sign_on_for_officials(actor("admin"), True) == 1  # the one registered
    monkeypatch.setenv("ZONERISK_OIDC_ISSUER", "https://id.bacgiang.gov.vn")
    monkeypatch.setenv("ZONERISK_OIDC_CLIENT_ID", "zonerisk")
    get_settings.cache_clear()
    try:
        with pytest.raises(auth.SignOnRequired):
            auth.authenticate("demo.ict", "TTTT-BacGiang-2021")
        with pytest.raises(auth.LoginFailed):  # a wrong password learns nothing about the policy
            auth.authenticate("demo.ict", "not-the-password")
        auth.authenticate("demo.labour", OFFICIAL_PASSWORD)  # not registered: keeps the password
    finally:
        monkeypatch.delenv("ZONERISK_OIDC_ISSUER")
        get_settings.cache_clear()
    # with no provider configured nobody is locked out
    auth.authenticate("demo.ict", "TTTT-BacGiang-2021")
