"""Single sign-on: who the province's identity provider vouches for becomes a ZoneRisk session only
if an admin registered that person. The provider says who someone is; ZoneRisk alone says what they
may see: role and scope come from the registered account, never from the provider's claims."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.services import audit
from app.services.accounts import sessions
from app.services.accounts.actors import actor_for
from app.services.context import Actor, writing
from db.models import User, utcnow

SIGN_ON = Actor(user_id=None, username="sign-on", role="none")
"""who the audit names for a refused sign-on: nobody logged in"""


@dataclass(frozen=True)
class Identity:
    """What a verified ID token says about a person."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False


def sign_in(
    identity: Identity,
    *,
    client: str = "",
    user_agent: str = "",
    browser: str | None = None,
    session: Session | None = None,
) -> sessions.Started | None:
    """A session for the registered person the provider vouched for, or None, audited (returned,
    not raised, so that the refusal's audit entry commits with the unit of work).

    Matched by the provider's subject; else by the email the provider verified, for an account an
    admin registered by email whose subject is not known yet (it is then bound to this subject, so
    a later change of email at the provider does not lock the person out, and nobody else with that
    address later gets in)."""
    with writing(session) as session:
        user = session.exec(select(User).where(User.sso_subject == identity.subject)).first()
        if user is None and identity.email and identity.email_verified:
            user = session.exec(
                select(User).where(
                    func.lower(col(User.sso_email)) == identity.email.lower(), col(User.sso_subject).is_(None)
                )
            ).first()
            if user is not None:
                user.sso_subject = identity.subject
                session.add(user)
        if user is None or not user.active:
            audit.record(
                session,
                SIGN_ON,
                "user.sso_refused",
                "sign_on",
                identity.subject[:60],
                after={
                    "issuer": identity.issuer,
                    "email": identity.email,
                    "email_verified": identity.email_verified,
                    "reason": "inactive" if user is not None else "not_registered",
                },
            )
            return None
        user.last_login_at = utcnow()
        session.add(user)
        actor = actor_for(session, user)
        audit.record(session, actor, "user.sso_login", "user", user.id, company_id=user.company_id)
        return sessions.start(
            actor, client=client, user_agent=user_agent, method="sso", browser=browser, session=session
        )
