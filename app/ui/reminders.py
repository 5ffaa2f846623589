"""Reminders on screen: the effect figures (Overview, Reminders page), "remind these non-filers
now" with a confirmation (Lists), failed sends, the admins' rules editor, the company's notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.notify import rules
from app.notify.planner import Unreachable
from app.notify.templates import sms_length
from app.services.context import Actor
from app.services.errors import Invalid, ServiceError
from app.services.oversight.lists import CompanyRow
from app.services.reminding import reminder_effect, reminders
from app.ui.format import number, when
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures


def effect_figures(actor: Actor, period_id: int) -> None:
    """Reminded / filed after a reminder / still missing: what the ICT department reports up."""
    effect = reminder_effect.effect(actor, period_id)
    headline_figures(
        [
            (tr("reminders.reminded"), number(effect.reminded, lang())),
            (tr("reminders.filed_after"), number(effect.filed_after, lang())),
            (tr("reminders.still_missing"), number(effect.still_missing, lang())),
        ]
    )
    if effect.channels:
        data_table(
            pd.DataFrame(
                [
                    {
                        tr("reminders.channel"): tr(f"reminders.channel.{c.channel}"),
                        tr("reminders.sent"): c.sent,
                        tr("reminders.failed"): c.failed,
                        tr("reminders.within_24h"): c.filed_within_24h,
                    }
                    for c in effect.channels
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def channel_status() -> None:
    for name, ok in reminders.configured_channels().items():
        state = tr("reminders.configured") if ok else tr("reminders.not_configured")
        st.markdown(f"- **{tr(f'reminders.channel.{name}')}**: {state}")


def remind_now(actor: Actor, period_id: int, rows: list[CompanyRow]) -> None:
    """Every non-filer shown, or the ones picked; how many messages on which channel; why the rest
    cannot be reached, counted by cause; confirm, send. With no channel configured it says so once
    and offers nothing to send."""
    with st.expander(tr("reminders.now"), icon=":material/campaign:"):
        configured = [name for name, ok in reminders.configured_channels().items() if ok]
        if not configured:
            st.warning(tr("reminders.no_channel"), icon=":material/portable_wifi_off:")
            return
        by_id = {r.company_id: r for r in rows}
        everyone = tr("reminders.pick_all", count=len(by_id))
        how = st.radio(
            tr("reminders.pick"),
            [everyone, tr("reminders.pick_some")],
            horizontal=True,
            key="remind_how",
        )
        chosen = list(by_id)
        if how != everyone:
            chosen = st.multiselect(
                tr("reminders.pick"),
                list(by_id),
                format_func={cid: f"{r.tax_code} · {r.name}" for cid, r in by_id.items()}.__getitem__,
                key="remind_pick",
                placeholder=tr("common.choose"),
                label_visibility="collapsed",
            )
        if not chosen:
            return
        preview = reminders.manual(actor, period_id, chosen)
        if preview.per_channel:
            counts = ", ".join(
                f"{n} {tr(f'reminders.channel.{c}')}" for c, n in sorted(preview.per_channel.items())
            )
            st.write(tr("reminders.will_send", count=len(preview.messages), channels=counts))
        unreachable(preview.unreachable)
        if preview.messages:
            sample = preview.texts[preview.messages[0].key][1]
            st.text_area(tr("reminders.sample"), sample, disabled=True, height=140, key="remind_sample")
            if preview.messages[0].channel == "sms":
                length = sms_length(sample)
                st.caption(tr("reminders.segments", segments=length.segments, encoding=length.encoding))
            if st.button(
                tr("reminders.confirm", count=len(preview.messages)), type="primary", key="remind_confirm"
            ):
                with st.spinner(tr("reminders.sending")):
                    done = reminders.send_now(actor, preview)
                report = done.delivery
                st.success(tr("reminders.done", queued=done.queued, sent=report.sent, failed=report.failed))
                for channel, problem in sorted(report.misconfigured.items()):
                    st.error(
                        tr(
                            "reminders.misconfigured",
                            channel=tr(f"reminders.channel.{channel}"),
                            problem=problem,
                        )
                    )


def _problem(channel: str, problem: str) -> str:
    return tr(f"reminders.problem.{problem}", channel=tr(f"reminders.channel.{channel}"))


def unreachable(lost: list[Unreachable]) -> None:
    """Who cannot be reached, counted by cause in the page's language; the names on request."""
    if not lost:
        return
    causes: dict[str, int] = {}
    for item in lost:
        cause = "; ".join(_problem(c, p) for c, p in item.problems)
        causes[cause] = causes.get(cause, 0) + 1
    st.warning(tr("reminders.cannot_reach_count", count=len(lost)), icon=":material/person_off:")
    for cause, count in sorted(causes.items(), key=lambda c: -c[1]):
        st.markdown(f"- {tr('reminders.cause', count=count, cause=cause)}")
    with st.popover(tr("reminders.who_cannot")):
        for item in lost:
            st.markdown(f"- {plain(item.name)}")


def failed_sends(actor: Actor, period_id: int) -> None:
    failed = reminder_effect.failures(actor, period_id)
    if not failed:
        st.caption(tr("reminders.no_failures"))
        return
    data_table(
        pd.DataFrame(
            [
                {
                    tr("lists.col.name"): f.company,
                    tr("reminders.channel"): tr(f"reminders.channel.{f.channel}"),
                    tr("reminders.recipient"): f.recipient,
                    tr("reminders.error"): f.error,
                    tr("reminders.at"): when(f.at),
                }
                for f in failed
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def rules_editor(actor: Actor) -> None:
    """The admin edits the rules as text; a refused text stays in the box to be corrected."""
    current = reminders.current_rules().text
    text = st.text_area(
        tr("reminders.rules"), current, height=420, key="reminder_rules", max_chars=rules.MAX_RULES_BYTES
    )
    if st.button(tr("reminders.save_rules"), type="primary", key="save_rules"):
        try:
            reminders.save_rules(actor, text)
        except Invalid as refused:
            st.error(refused.text(lang()))
            for where, what in refused.problems_in(lang()):
                st.markdown(f"- **{plain(where)}**: {plain(what)}")
        except ServiceError as refused:
            st.error(refused.text(lang()))
        else:
            st.success(tr("reminders.rules_saved"))


def company_notices(actor: Actor) -> None:
    notices = reminder_effect.company_notices(actor)
    if not notices:
        return
    with st.expander(tr("reminders.notices", count=len(notices)), icon=":material/notifications:"):
        for n in notices:
            st.markdown(
                f"- {when(n.at)} · {tr(f'reminders.channel.{n.channel}')} · {plain(n.subject or n.reason)}"
            )
