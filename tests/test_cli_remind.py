"""The reminder commands as an operator runs them: plan sends nothing; send delivers once."""

from __future__ import annotations

import re
import subprocess
from datetime import date

from tests.cli import run
from tests.databases import scalar
from tests.notify.servers import SmtpServer
from tests.services.helpers import latest_period_id


def cli(
    url: str, env: dict[str, str], *args: str, own_process: bool = False
) -> subprocess.CompletedProcess[str]:
    return run(url, *args, env=env, own_process=own_process)


def _smtp_settings(smtp: SmtpServer, starttls: bool) -> dict[str, str]:
    return {
        "ZONERISK_SMTP_HOST": "127.0.0.1",
        "ZONERISK_SMTP_PORT": str(smtp.port),
        "ZONERISK_SMTP_FROM": "zonerisk@bacgiang.gov.vn",
        "ZONERISK_SMTP_STARTTLS": "true" if starttls else "false",
    }


def test_plan_sends_nothing_and_send_delivers_vietnamese_email_once(no_reminders_yet: str) -> None:
    seeded = no_reminders_yet
    due = date.fromisoformat(
        str(scalar(seeded, "SELECT due_on FROM period WHERE id = :p", p=latest_period_id()))[:10]
    )
    at = f"{due.isoformat()}T09:00:00+07:00"
    with SmtpServer() as smtp:
        env = _smtp_settings(smtp, starttls=False)
        planned = cli(seeded, env, "remind", "plan", "--at", at, own_process=True)
        assert planned.returncode == 0, planned.stderr
        assert "email: configured, sms: not configured" in planned.stdout
        count = int(re.search(r"^(\d+) messages planned$", planned.stdout.splitlines()[-1]).group(1))  # type: ignore[union-attr]
        assert count > 0 and scalar(seeded, "SELECT count(*) FROM outboxmessage") == 0
        assert smtp.box.messages == []
        sent = cli(seeded, env, "remind", "send", "--at", at)
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.splitlines()[-1].startswith(f"sent {count}, failed 0, skipped ")
        assert len(smtp.box.messages) == count
        assert any("chưa nộp" in m.get_content() for m in smtp.box.messages)
        again = cli(seeded, env, "remind", "send", "--at", at)
        assert again.stdout.splitlines()[-1].startswith("sent 0, failed 0, skipped ")
        assert len(smtp.box.messages) == count
    bad = cli(seeded, {}, "remind", "plan", "--at", "ngày mai")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_the_worker_runs_once_and_says_what_it_did(no_reminders_yet: str) -> None:
    ran = cli(no_reminders_yet, {}, "worker", "--once")
    assert ran.returncode == 0, ran.stderr
    assert re.search(r"queued 0, sent 0, failed 0, retrying 0, waiting 0$", ran.stdout.strip())


def test_send_says_which_setting_is_wrong_when_the_relay_offers_no_starttls(no_reminders_yet: str) -> None:
    due = date.fromisoformat(
        str(scalar(no_reminders_yet, "SELECT due_on FROM period WHERE id = :p", p=latest_period_id()))[:10]
    )
    with SmtpServer() as smtp:
        env = _smtp_settings(smtp, starttls=True)
        sent = cli(no_reminders_yet, env, "remind", "send", "--at", f"{due.isoformat()}T09:00:00+07:00")
    assert sent.returncode == 1
    assert "email sent nothing" in sent.stderr and "ZONERISK_SMTP_STARTTLS=false" in sent.stderr
    assert smtp.box.messages == []
