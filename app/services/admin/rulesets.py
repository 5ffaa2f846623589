"""Rule-set versions: the ones shipped as files and the ones admins upload. A new version is a draft
until published; before publishing, the impact preview re-scores every company's latest submission
under it, so officials see who would change level before the change takes effect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from app.assessment import registry
from app.assessment.loader import LoadedRuleSet, RuleSetError, parse_ruleset
from app.config import get_settings
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.scope import require_role
from app.vocabulary import Role, RulesetStatus
from db.models import RuleSetVersion, utcnow

_PUBLISHED: dict[tuple[str, str, int], LoadedRuleSet] = {}


def get(ruleset_id: str, version: int | None = None, *, session: Session | None = None) -> LoadedRuleSet:
    """A shipped version, or a published upload; the latest of both when no version is given."""
    if version is not None and (ruleset_id, version) in registry.shipped():
        return registry.get(ruleset_id, version)  # the common case needs no database
    url = get_settings().resolved_database_url()
    with reading(session) as session:
        query = select(RuleSetVersion).where(
            RuleSetVersion.ruleset_id == ruleset_id, RuleSetVersion.status == RulesetStatus.published
        )
        if version is not None:
            query = query.where(RuleSetVersion.version == version)
        uploaded = session.exec(query.order_by(col(RuleSetVersion.version).desc())).first()
    shipped_versions = sorted(v for (rid, v) in registry.shipped() if rid == ruleset_id)
    if uploaded is not None and (
        version is not None or not shipped_versions or uploaded.version > shipped_versions[-1]
    ):
        key = (url, ruleset_id, uploaded.version)
        if key not in _PUBLISHED:
            _PUBLISHED[key] = parse_ruleset(uploaded.text, f"{ruleset_id} v{uploaded.version} (uploaded)")
        return _PUBLISHED[key]
    return registry.get(ruleset_id, version)


def default() -> LoadedRuleSet:
    return get(registry.default_id())


@dataclass(frozen=True)
class VersionInfo:
    ruleset_id: str
    version: int
    title: str
    status: str  # shipped | draft | published
    complete: bool
    reconstructed: bool
    content_hash: str
    upload_id: int | None = None
    title_en: str = ""

    def name(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


def versions(actor: Actor, *, session: Session | None = None) -> list[VersionInfo]:
    found = [
        VersionInfo(
            rid,
            v,
            lr.ruleset.title.vi,
            "shipped",
            lr.ruleset.complete,
            lr.ruleset.has_reconstructed,
            lr.content_hash,
            title_en=lr.ruleset.title.en,
        )
        for (rid, v), lr in sorted(registry.shipped().items())
    ]
    with reading(session) as session:
        rows = session.exec(
            select(RuleSetVersion).order_by(col(RuleSetVersion.ruleset_id), col(RuleSetVersion.version))
        ).all()
    for row in rows:
        if row.status == RulesetStatus.draft and actor.role != Role.admin:
            continue
        loaded = parse_ruleset(row.text, f"{row.ruleset_id} v{row.version}")
        found.append(
            VersionInfo(
                row.ruleset_id,
                row.version,
                loaded.ruleset.title.vi,
                row.status,
                loaded.ruleset.complete,
                loaded.ruleset.has_reconstructed,
                row.content_hash,
                row.id,
                loaded.ruleset.title.en,
            )
        )
    return sorted(found, key=lambda v: (v.ruleset_id, v.version))


@dataclass(frozen=True)
class Draft:
    """A version an admin uploaded and has not published yet: a stored row, so it has an id."""

    info: VersionInfo
    upload_id: int


def drafts(actor: Actor, *, session: Session | None = None) -> list[Draft]:
    """The drafts awaiting publication, with the id the impact preview, publish and discard take."""
    return [
        Draft(v, v.upload_id)
        for v in versions(actor, session=session)
        if v.status == RulesetStatus.draft and v.upload_id is not None
    ]


def next_version(session: Any, ruleset_id: str) -> int:
    shipped = [v for (rid, v) in registry.shipped() if rid == ruleset_id]
    uploaded = session.exec(
        select(func.max(RuleSetVersion.version)).where(RuleSetVersion.ruleset_id == ruleset_id)
    ).one()
    return max([0, *shipped, uploaded or 0]) + 1


def upload(
    actor: Actor, text: str, source: str = "upload.yaml", *, session: Session | None = None
) -> RuleSetVersion:
    """Store a new version as a draft, after the loader's checks; nothing is stored if any fail."""
    require_role(actor, Role.admin)
    try:
        loaded = parse_ruleset(text, source)
    except RuleSetError as error:
        # each loader message already names its place in the file ("levels: Field required")
        raise Invalid(
            str(error), str(error), field="ruleset", problems=[("", p) for p in error.problems]
        ) from None
    rs = loaded.ruleset
    with writing(session) as session:
        expected = next_version(session, rs.id)
        if rs.version != expected:
            raise Conflict.said(
                "rulesets.version_not_next", id=rs.id, version=rs.version, expected=expected, field="version"
            )
        row = RuleSetVersion(
            ruleset_id=rs.id,
            version=rs.version,
            text=text,
            content_hash=loaded.content_hash,
            created_by=actor.username,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "ruleset.upload",
            "ruleset",
            f"{rs.id} v{rs.version}",
            after={"hash": loaded.content_hash, "criteria": len(rs.criteria())},
        )
        return row


def draft_row(session: Any, upload_id: int) -> RuleSetVersion:
    row: RuleSetVersion | None = session.get(RuleSetVersion, upload_id)
    if row is None:
        raise NotFound.said("rulesets.no_such_version")
    return row


def publish(actor: Actor, upload_id: int, *, session: Session | None = None) -> RuleSetVersion:
    """Freeze a draft: from now on its text and hash never change, and new rounds may use it."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        row = draft_row(session, upload_id)
        if row.status != RulesetStatus.draft:
            raise Conflict.said("rulesets.already_published")
        row.status = RulesetStatus.published
        row.published_at = utcnow()
        session.add(row)
        audit.record(
            session,
            actor,
            "ruleset.publish",
            "ruleset",
            f"{row.ruleset_id} v{row.version}",
            after={"hash": row.content_hash},
        )
        return row


def discard(actor: Actor, upload_id: int, *, session: Session | None = None) -> None:
    require_role(actor, Role.admin)
    with writing(session) as session:
        row = draft_row(session, upload_id)
        if row.status != RulesetStatus.draft:
            raise Conflict.said("rulesets.published_is_final")
        session.delete(row)
        audit.record(session, actor, "ruleset.discard", "ruleset", f"{row.ruleset_id} v{row.version}")
