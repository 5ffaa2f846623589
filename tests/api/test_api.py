"""The API as another system of the province meets it: tokens, scope, pages, exports, filing,
problem details. Every figure is checked against the database read by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlmodel import col

from app.api.security import TRACE
from app.services.context import unit_of_work
from db.models import ApiClient, utcnow
from tests.api.conftest import Issue, bearer
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id


def _sql(query: str, **params: Any) -> list[Any]:
    with unit_of_work() as session:
        return list(session.execute(text(query), params).all())


def _walk(api: TestClient, path: str, token: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10_000):
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        answer = api.get(path, params=query, headers=bearer(token))
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items
    raise AssertionError("paging never ended")


CURRENT_LEVEL = """
    SELECT c.tax_code, (
        SELECT a.level FROM assessment a JOIN period p ON p.id = a.period_id
        WHERE a.company_id = c.id AND a.is_latest AND a.status <> 'draft'
        ORDER BY p.due_at DESC, a.id DESC LIMIT 1)
    FROM company c {where} ORDER BY c.id
"""


def test_a_province_client_pages_through_every_company_with_its_current_level(
    api: TestClient, issue: Issue
) -> None:
    token = issue("province")
    items = _walk(api, "/api/v1/companies", token, limit=7)
    expected = _sql(CURRENT_LEVEL.format(where=""))
    assert [(i["tax_code"], i["level"]) for i in items] == [tuple(r) for r in expected]
    assert len({i["tax_code"] for i in items}) == len(items)  # none twice across pages


def test_a_zone_client_reads_nothing_outside_its_zone_on_any_endpoint(api: TestClient, issue: Issue) -> None:
    zone = _sql(
        "SELECT zone_id FROM company c JOIN zone z ON z.id = c.zone_id "
        "WHERE z.kind = 'industrial_zone' GROUP BY zone_id ORDER BY count(*) DESC"
    )[0][0]
    token = issue("zones", areas=(zone,))
    mine = {r[0] for r in _sql("SELECT tax_code FROM company WHERE zone_id = :z", z=zone)}
    others = [r[0] for r in _sql("SELECT tax_code FROM company WHERE zone_id <> :z", z=zone)]
    assert mine and others
    companies = _walk(api, "/api/v1/companies", token, limit=500)
    assert {c["tax_code"] for c in companies} == mine
    submissions = _walk(api, "/api/v1/submissions", token, limit=50)
    assert submissions and {s["tax_code"] for s in submissions} <= mine
    assert (
        len(submissions)
        == _sql(
            "SELECT count(*) FROM assessment a JOIN company c ON c.id = a.company_id "
            "WHERE c.zone_id = :z AND a.status <> 'draft'",
            z=zone,
        )[0][0]
    )
    exported = api.get("/api/v1/export/submissions", headers=bearer(token)).text.splitlines()
    assert {json.loads(line)["tax_code"] for line in exported} <= mine
    assert len(exported) == len(submissions)
    for tax_code in others[:3]:
        answer = api.get(f"/api/v1/companies/{tax_code}", headers=bearer(token))
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert not api.get("/api/v1/submissions", params={"area": "x"}, headers=bearer(token)).json()["items"]
    filing = api.get(f"/api/v1/rounds/{latest_period_id()}/filing", headers=bearer(token)).json()
    assert [a["area"] for a in filing["areas"]] == [zone]
    chairman = api.get("/api/v1/reports/chairman", headers=bearer(token))
    assert chairman.status_code == 403  # the chairman's report is the ICT department's


def test_a_company_client_sees_only_itself(api: TestClient, issue: Issue) -> None:
    token = issue("company")
    me = actor("company")
    companies = _walk(api, "/api/v1/companies", token, limit=10)
    assert [c["id"] for c in companies] == [me.company_id]
    submissions = _walk(api, "/api/v1/submissions", token, limit=10)
    own = _sql(
        "SELECT id FROM assessment WHERE company_id = :c AND status <> 'draft' ORDER BY id", c=me.company_id
    )
    assert [s["id"] for s in submissions] == [r[0] for r in own]


def test_no_token_a_wrong_one_an_expired_one_and_a_revoked_one_are_refused_alike(
    api: TestClient, issue: Issue
) -> None:
    from app.services.context import CLI_ADMIN
    from app.services.integration import clients

    expired, revoked = issue("province"), issue("province")
    with unit_of_work(write=True) as session:
        session.execute(
            update(ApiClient)
            .where(col(ApiClient.name) == "client-1")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    clients.revoke(CLI_ADMIN, "client-2")
    for headers in ({}, bearer("zr_not-a-token"), bearer(expired), bearer(revoked)):
        answer = api.get("/api/v1/companies", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"] == "Bearer"
        problem = answer.json()
        assert problem["status"] == 401 and problem["detail_en"] and problem["detail_vi"]
    english = api.get("/api/v1/companies", headers={"Accept-Language": "en-GB,vi;q=0.5"}).json()
    assert english["detail"] == english["detail_en"] != english["detail_vi"]


def test_the_openapi_document_answers_without_a_token(api: TestClient) -> None:
    answer = api.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    paths = answer.json()["paths"]
    assert {"/api/v1/companies", "/api/v1/submissions", "/api/v1/export/submissions"} <= set(paths)


def test_the_export_holds_every_submission_in_scope_as_ndjson_and_csv(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    expected = _sql("SELECT id, level, total FROM assessment WHERE status <> 'draft' ORDER BY id")
    lines = api.get("/api/v1/export/submissions", headers=bearer(token)).text.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["id"], r["level"], r["total"]) for r in rows] == [tuple(e) for e in expected]
    flags = _sql("SELECT count(*) FROM submissionflag")[0][0]
    assert sum(len(r["flags"]) for r in rows) == flags
    answer = api.get("/api/v1/export/submissions", params={"format": "csv"}, headers=bearer(token))
    assert answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in table] == [e[0] for e in expected]
    assert json.loads(table[0]["criteria"]) == rows[0]["criteria"]


def test_every_call_is_kept_with_its_endpoint_and_rows(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    api.get("/api/v1/companies", params={"limit": 5}, headers=bearer(token))
    lines = api.get("/api/v1/export/submissions", headers=bearer(token)).text.splitlines()
    api.get("/api/v1/companies/0100109106", headers=bearer(token))  # sound, but not in the province
    TRACE.flush()  # written in batches a fraction of a second after each call; now, for the test
    calls = _sql("SELECT method, endpoint, status, rows FROM apicall ORDER BY id")
    assert [tuple(c) for c in calls] == [
        ("GET", "/api/v1/companies", 200, 5),
        ("GET", "/api/v1/export/submissions", 200, len(lines)),
        ("GET", "/api/v1/companies/{tax_code}", 404, 0),
    ]


def test_a_client_past_its_rate_is_told_when_to_come_back(api: TestClient, issue: Issue) -> None:
    token = issue("province", rate_per_minute=3)
    answers = [api.get("/api/v1/rounds", headers=bearer(token)) for _ in range(8)]
    # eight calls span at most two minutes' windows of three: at least two are refused
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) >= 2
    assert all(1 <= int(a.headers["retry-after"]) <= 60 for a in refused)
    assert all(a.status_code == 200 for a in answers[:3])


def test_the_rate_window_counts_per_minute(seeded: str, issue: Issue) -> None:
    from app.services.integration import clients

    issue("province", rate_per_minute=2)
    client = next(c for c in clients.list_clients(actor("admin")))
    moment = utcnow().replace(second=50, microsecond=0)
    assert [clients.take_call(client, moment) for _ in range(3)] == [None, None, 10]
    assert clients.take_call(client, moment + timedelta(seconds=10)) is None  # a new minute


def test_a_bad_cursor_and_a_bad_filter_are_problems_not_errors(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    for params in (
        {"cursor": "%%%"},
        {"cursor": "djI6MQ"},
        {"limit": 0},
        {"limit": 1001},
        {"updated_since": "x"},
    ):
        answer = api.get("/api/v1/companies", params=params, headers=bearer(token))
        assert answer.status_code == 422, params
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"]


def test_updated_since_gives_only_what_changed(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    latest = _sql("SELECT max(updated_at) FROM assessment WHERE status <> 'draft'")[0][0]
    since = str(latest).replace(" ", "T")
    rows = _walk(api, "/api/v1/submissions", token, limit=100, updated_since=since)
    assert rows and all(r["updated_at"] >= rows[0]["updated_at"][:19] for r in rows)
    assert (
        len(rows)
        == _sql("SELECT count(*) FROM assessment WHERE status <> 'draft' AND updated_at >= :s", s=latest)[0][
            0
        ]
    )


# -- filing -----------------------------------------------------------------------------------


def _open_round(api: TestClient, token: str) -> int:
    rounds = api.get("/api/v1/rounds", headers=bearer(token)).json()["items"]
    return int(next(r["id"] for r in rounds if not r["closed"]))


def test_a_company_system_files_once_per_key_and_gets_its_level_and_link(
    api: TestClient, issue: Issue
) -> None:
    token = issue("company", write=True)
    round_id = _open_round(api, token)
    before = _sql("SELECT count(*) FROM assessment")[0][0]
    headers = bearer(token) | {"Idempotency-Key": "hr-system-2026-49"}
    first = api.post(
        "/api/v1/submissions", json={"round_id": round_id, "answers": RISKY_ANSWERS}, headers=headers
    )
    assert first.status_code == 201, first.text
    filed = first.json()
    stored = _sql("SELECT level, total, status, is_latest FROM assessment WHERE id = :i", i=filed["id"])[0]
    assert (filed["level"], filed["total"], filed["status"]) == tuple(stored[:3]) and stored[3]
    assert "/verify?" in filed["verify_url"]
    again = api.post(
        "/api/v1/submissions", json={"round_id": round_id, "answers": GOOD_ANSWERS}, headers=headers
    )
    assert again.status_code == 200 and again.json()["id"] == filed["id"] and again.json()["replayed"]
    assert _sql("SELECT count(*) FROM assessment")[0][0] == before + 1
    audit = _sql(
        "SELECT actor FROM auditevent WHERE action = 'assessment.submit' AND object_id = :i",
        i=str(filed["id"]),
    )
    assert audit == [("api:client-1",)]
    checked = api.get(filed["verify_url"].split("/verify", 1)[0] + "/api/v1/health")
    assert checked.status_code in (200, 404)  # the link points at the public site, not the API


def test_invalid_answers_write_nothing_and_say_what_is_wrong(api: TestClient, issue: Issue) -> None:
    token = issue("company", write=True)
    round_id = _open_round(api, token)
    before = _sql("SELECT count(*), (SELECT count(*) FROM auditevent) FROM assessment")[0]
    bad = GOOD_ANSWERS | {"mask_rate_pct": 140, "made_up": 1}
    del bad["cs4"]
    answer = api.post(
        "/api/v1/submissions",
        json={"round_id": round_id, "answers": bad},
        headers=bearer(token) | {"Idempotency-Key": "k1", "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"].endswith("invalid-answers")
    assert {e["field"] for e in problem["errors"]} == {"made_up"}  # unknown names are refused first
    bad.pop("made_up")
    answer = api.post(
        "/api/v1/submissions",
        json={"round_id": round_id, "answers": bad},
        headers=bearer(token) | {"Idempotency-Key": "k1"},
    )
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"mask_rate_pct", "cs4"}
    assert _sql("SELECT count(*), (SELECT count(*) FROM auditevent) FROM assessment")[0] == before


@pytest.mark.parametrize("key", ["", "x" * 65, "bad key"])
def test_filing_needs_a_sound_idempotency_key(api: TestClient, issue: Issue, key: str) -> None:
    token = issue("company", write=True)
    answer = api.post(
        "/api/v1/submissions",
        json={"round_id": _open_round(api, token), "answers": GOOD_ANSWERS},
        headers=bearer(token) | {"Idempotency-Key": key},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_read_only_and_official_clients_cannot_file(api: TestClient, issue: Issue) -> None:
    for token in (issue("company"), issue("province", write=True)):
        answer = api.post(
            "/api/v1/submissions",
            json={"round_id": _open_round(api, token), "answers": GOOD_ANSWERS},
            headers=bearer(token) | {"Idempotency-Key": "k"},
        )
        assert answer.status_code == 403, answer.text
    assert _sql(
        "SELECT count(*) FROM auditevent WHERE actor LIKE 'api:%' AND action LIKE 'assessment.%'"
    ) == [(0,)]


def test_the_chairman_figures_carry_the_reporting_regime(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    answer = api.get("/api/v1/reports/chairman", params={"round": latest_period_id()}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    for field in (
        "name",
        "content",
        "reporter",
        "receiver",
        "sending_method",
        "deadline",
        "frequency",
        "data_cut_off",
        "outline",
        "forms",
    ):
        assert body["regime"][field]["vi"] and body["regime"][field]["en"]
    expected, submitted = _sql(
        "SELECT count(*), count(a.id) FROM periodcompany pc LEFT JOIN assessment a "
        "ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest "
        "WHERE pc.period_id = :p",
        p=latest_period_id(),
    )[0]
    assert body["report"]["filing"]["expected"] == expected
    assert body["report"]["filing"]["submitted"] == submitted
    assert body["round_id"] == latest_period_id()


def test_a_company_is_found_by_its_tax_code_in_either_printed_form(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    code = _sql("SELECT tax_code FROM company ORDER BY id")[0][0]
    assert api.get(f"/api/v1/companies/{code}", headers=bearer(token)).json()["tax_code"] == code
    wrong = code[:9] + str((int(code[9]) + 1) % 10)
    answer = api.get(f"/api/v1/companies/{wrong}", headers=bearer(token) | {"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "tax_code", "message": f"tax code {wrong} has a wrong check digit (the 10th)"}
    ]


def test_two_companies_may_use_the_same_idempotency_key(api: TestClient, issue: Issue) -> None:
    """Each system picks its own keys; two that pick alike each file their own assessment."""
    from app.services.filing.companies import get_company

    me = actor("company")
    other_id = _sql(
        "SELECT pc.company_id FROM periodcompany pc JOIN period p ON p.id = pc.period_id "
        "WHERE NOT p.closed AND pc.company_id <> :me ORDER BY pc.company_id",
        me=me.company_id,
    )[0][0]
    from app.services.context import CLI_ADMIN
    from app.services.integration import clients

    other_code = _sql("SELECT tax_code FROM company WHERE id = :i", i=other_id)[0][0]
    _, other = clients.issue(CLI_ADMIN, "other-company", "company", tax_code=other_code, write=True)
    mine = issue("company", write=True)
    assert get_company(me, me.company_id or 0).tax_code != other_code
    ids = []
    for token in (mine, other):
        answer = api.post(
            "/api/v1/submissions",
            json={"round_id": _open_round(api, token), "answers": GOOD_ANSWERS},
            headers=bearer(token) | {"Idempotency-Key": "weekly-filing"},
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    assert ids[0] != ids[1]


def test_companies_filtered_by_their_current_level_page_through_all_of_them(
    api: TestClient, issue: Issue
) -> None:
    token = issue("province")
    expected = [tuple(r) for r in _sql(CURRENT_LEVEL.format(where=""))]
    for level in {lv for _, lv in expected if lv}:
        items = _walk(api, "/api/v1/companies", token, limit=3, level=level)
        assert [i["tax_code"] for i in items] == [code for code, lv in expected if lv == level], level
    assert _walk(api, "/api/v1/companies", token, limit=5, level="no-such-level") == []


def test_a_company_client_reads_its_own_filing_line(api: TestClient, issue: Issue) -> None:
    token = issue("company")
    me = actor("company")
    for round_id, expected in _sql(
        "SELECT p.id, (SELECT count(*) FROM periodcompany pc "
        "WHERE pc.period_id = p.id AND pc.company_id = :c) FROM period p ORDER BY p.id",
        c=me.company_id,
    ):
        answer = api.get(f"/api/v1/rounds/{round_id}/filing", headers=bearer(token))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["totals"]["expected"] == expected
        filed = _sql(
            "SELECT count(*) FROM assessment WHERE company_id = :c AND period_id = :r AND is_latest",
            c=me.company_id,
            r=round_id,
        )[0][0]
        assert body["totals"]["missing"] == (expected and not filed)


def test_a_company_name_written_as_a_formula_stays_text_in_the_csv(api: TestClient, issue: Issue) -> None:
    token = issue("province")
    with unit_of_work(write=True) as session:
        session.execute(
            text("UPDATE company SET name = :n WHERE id = 1"), {"n": '=HYPERLINK("http://x.example","Mở")'}
        )
    answer = api.get("/api/v1/export/submissions", params={"format": "csv"}, headers=bearer(token))
    table = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    names = {
        r["company"]
        for r in table
        if r["tax_code"] == _sql("SELECT tax_code FROM company WHERE id = 1")[0][0]
    }
    assert names == {'\u2060=HYPERLINK("http://x.example","Mở")'}
    assert {r["is_latest"] for r in table} <= {"true", "false"}
