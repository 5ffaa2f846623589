"""`flags` and `visits plan`: where to doubt a self-assessment and where to go and look, from the
command line, for an official's script or a weekly timer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import fail, prepared

PeriodOption = Annotated[int | None, typer.Option("--period", help="round id; default: the latest")]
LangOption = Annotated[str, typer.Option("--lang", help="vi or en")]


def _period_id(period: int | None) -> int:
    from app.services.context import CLI_ACTOR
    from app.services.periods import latest_period

    if period is not None:
        return period
    latest = latest_period(CLI_ACTOR)
    if latest is None or latest.id is None:
        fail("Chưa có kỳ đánh giá nào. / There is no round yet.")
    return latest.id


def flags_command(
    period: PeriodOption = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="compute every round's flags again from the stored rows")
    ] = False,
    lang: LangOption = "vi",
) -> None:
    """Submissions that are hard to believe, with their reasons; ends with `F flags on S submissions`."""
    from app.services.context import CLI_ACTOR
    from app.services.errors import ServiceError
    from app.services.filing import credibility

    prepared()
    try:
        if recompute:
            stored = credibility.recompute_all(
                progress=lambda done, total: typer.echo(f"  {done}/{total}", err=True)
            )
            typer.echo(f"recomputed: {stored:,} flags", err=True)
        rows = credibility.flagged(CLI_ACTOR, _period_id(period), lang)
    except ServiceError as error:
        fail(error.text(lang))
    for row in rows:
        typer.echo(f"{row.tax_code}  {row.name}  [{row.worst}]")
        for flag in row.flags:
            typer.echo(f"    - [{flag.severity}] {flag.text}")
    typer.echo(f"{sum(len(r.flags) for r in rows)} flags on {len(rows)} submissions")


visits_app = typer.Typer(no_args_is_help=True, help="Kiểm tra thực tế: where to visit first.")


@visits_app.command("plan")
def visits_plan(
    visits: Annotated[int, typer.Option("--visits", help="how many companies to visit")],
    out: Annotated[Path, typer.Option("--out", help="the .xlsx (every term) or .pdf (by district) to write")],
    zone: Annotated[str | None, typer.Option("--zone", help="one zone's or district's id")] = None,
    period: PeriodOption = None,
    title: Annotated[str, typer.Option("--title", help="the plan's name; default: the round's")] = "",
    lang: LangOption = "vi",
) -> None:
    """Rank the companies in scope, save the top N as a plan, and write it to a file."""
    from app.services.context import CLI_ACTOR, unit_of_work
    from app.services.errors import ServiceError
    from app.services.onsite import visits as planner

    prepared()
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("xlsx", "pdf"):
        fail("--out: .xlsx hoặc .pdf / --out must end in .xlsx or .pdf")
    try:
        with unit_of_work(write=True) as session:  # rank, save and log as one action
            proposal = planner.propose(CLI_ACTOR, _period_id(period), visits, zone_id=zone, session=session)
            plan_id = planner.save_plan(CLI_ACTOR, proposal, title, session=session)
            data = planner.export_plan(CLI_ACTOR, plan_id, kind, lang, session=session)
    except ServiceError as error:
        fail(error.text(lang))
    out.write_bytes(data)
    short = (
        f" (chỉ có {proposal.in_scope} / only {proposal.in_scope} in scope)"
        if len(proposal.chosen) < visits
        else ""
    )
    typer.echo(
        f"{out}: plan {plan_id}, {len(proposal.chosen)} visits of {proposal.in_scope} companies{short}"
    )
