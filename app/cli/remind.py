"""`remind plan`, `remind send` and `worker`: the reminders from the command line, for an operator,
a timer or a second long-running process beside the app."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import typer

from app.cli.common import fail, prepared

remind_app = typer.Typer(no_args_is_help=True, help="Đôn đốc: reminders to companies that have not filed.")

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="the moment to plan for, ISO 8601 (e.g. 2021-07-11T09:00:00+07:00); default: now"
    ),
]


def _moment(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        fail(f"--at: không phải thời điểm ISO 8601 / not an ISO 8601 moment: {at!r}")
    if moment.tzinfo is None:
        fail("--at: cần múi giờ, ví dụ +07:00 / needs a time zone, e.g. +07:00")
    return moment.astimezone(UTC)


def _channels_line() -> str:
    from app.services.reminding.reminders import configured_channels

    return ", ".join(
        f"{name}: {'configured' if ok else 'not configured'}" for name, ok in configured_channels().items()
    )


@remind_app.command("plan")
def remind_plan(
    period: Annotated[
        int | None, typer.Option("--period", help="round id; default: every open round")
    ] = None,
    at: AtOption = None,
) -> None:
    """What would be sent now and why. Nothing is sent or queued."""
    from app.notify.templates import sms_length
    from app.services.errors import ServiceError
    from app.services.reminding import reminders

    prepared()
    moment = _moment(at)
    try:
        plans = reminders.plan(moment, period)
    except ServiceError as error:
        fail(error.text("en"))
    typer.echo(f"channels: {_channels_line()}")
    total = 0
    for plan in plans:
        typer.echo(f"round {plan.period.id} {plan.period.name} (due {plan.period.due_on:%d/%m/%Y}):")
        for message in plan.messages:
            subject, body = plan.texts[message.key]
            extra = ""
            if message.channel == "sms":
                length = sms_length(body)
                extra = f" [{length.segments} SMS segment(s), {length.encoding}]"
            wait = (
                f" after {message.not_before.astimezone(UTC):%H:%M} UTC"
                if message.not_before > moment
                else ""
            )
            typer.echo(
                f"  {message.reason}/{message.step} → {message.channel} {message.recipient}{wait}: "
                f"{subject if message.channel == 'email' else body}{extra}"
            )
        for lost in plan.unreachable:
            typer.echo(f"  cannot reach {lost.name} ({lost.reason}): {lost.why}")
        if plan.already:
            typer.echo(f"  {plan.already} already queued or sent")
        total += len(plan.messages)
    typer.echo(f"{total} messages planned")


@remind_app.command("send")
def remind_send(at: AtOption = None) -> None:
    """Queue what the rules say at that moment, then drain the outbox."""
    from app.services.reminding import outbox, reminders

    prepared()
    moment = _moment(at)
    typer.echo(f"channels: {_channels_line()}")
    plans = reminders.plan(moment)
    queued = reminders.queue(plans)
    skipped = sum(p.already + len(p.unreachable) for p in plans) + (
        sum(len(p.messages) for p in plans) - queued
    )
    report = outbox.drain(moment)
    typer.echo(f"queued {queued}, retrying {report.retrying}, waiting for a channel {report.waiting}")
    typer.echo(f"sent {report.sent}, failed {report.failed}, skipped {skipped}")
    if report.misconfigured:
        _say_misconfigured(report.misconfigured)
        raise typer.Exit(1)


def _say_misconfigured(problems: dict[str, str]) -> None:
    """A channel whose settings are wrong sends nothing until they are fixed: say so, loudly."""
    for channel, problem in sorted(problems.items()):
        typer.echo(f"{channel} sent nothing: {problem}", err=True)


def worker_command(
    every: Annotated[int, typer.Option("--every", help="seconds between runs", min=5)] = 60,
    once: Annotated[bool, typer.Option("--once", help="one run, then stop")] = False,
    webhooks_every: Annotated[
        float, typer.Option("--webhooks-every", help="seconds between webhook deliveries", min=0.5)
    ] = 2.0,
) -> None:
    """Plan, queue and send every minute, and deliver webhooks every few seconds: run it beside
    the app (a systemd unit, a second process)."""
    from app.services.integration import webhooks
    from app.services.reminding import outbox, reminders

    prepared()
    while True:
        started = datetime.now(UTC)
        queued = reminders.queue(reminders.plan(started))
        report = outbox.drain(started)
        typer.echo(
            f"{started:%Y-%m-%d %H:%M:%S}Z queued {queued}, sent {report.sent}, failed {report.failed}, "
            f"retrying {report.retrying}, waiting {report.waiting}",
        )
        _say_misconfigured(report.misconfigured)
        if once:
            return
        # between full runs, webhooks go out within seconds: a receiving system hears of a
        # filing while it is news, and the reminders' planning still runs once a minute
        while (left := every - (datetime.now(UTC) - started).total_seconds()) > 0:
            time.sleep(min(webhooks_every, max(left, 0.1)))
            hooks = outbox.drain(channels={"webhook": webhooks.channel()})
            if hooks.sent or hooks.failed or hooks.retrying:
                typer.echo(f"webhooks: sent {hooks.sent}, failed {hooks.failed}, retrying {hooks.retrying}")
