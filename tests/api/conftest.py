"""The API in process, through its real ASGI stack (FastAPI's TestClient speaks HTTP to it), on
the seeded province of each database backend; clients issued by the real service."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.api.security import TRACE
from app.services.context import CLI_ADMIN
from app.services.integration import clients
from tests.services.helpers import actor

Issue = Callable[..., str]


@pytest.fixture
def api(seeded: str) -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client
    TRACE.flush()  # the calls' trace goes to this test's database, not the next one's


@pytest.fixture
def issue(seeded: str) -> Issue:
    """Issue a client and return its token: `issue("province")`, `issue("zones", areas=(…,))`…"""
    made = iter(range(1, 10_000))

    def issuing(scope: str, **options: object) -> str:
        if scope == "company" and "tax_code" not in options:
            options["tax_code"] = _own_tax_code()
        _, token = clients.issue(CLI_ADMIN, f"client-{next(made)}", scope, **options)  # type: ignore[arg-type]
        return token

    return issuing


def _own_tax_code() -> str:
    from app.services.filing.companies import get_company

    me = actor("company")
    assert me.company_id is not None
    return get_company(me, me.company_id).tax_code


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
