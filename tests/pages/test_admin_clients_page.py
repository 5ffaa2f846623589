"""The admin's API clients page: a client issued with its areas shows its token once and that token
works; a company client with a wrong tax code is refused with nothing stored; a revoke needs a
confirmation and then the token is refused."""

from __future__ import annotations

import pytest

from app.services.context import CLI_ADMIN
from app.services.integration import clients
from app.services.integration.clients import Unauthenticated
from tests.pages.apptest import logged_in, texts


def test_an_admin_issues_a_zone_client_sees_its_token_once_and_revokes_it(seeded: str) -> None:
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_clients.py").run()
    assert not at.exception, at.exception
    at.selectbox[0].set_value("zones").run()
    at.text_input[0].input("Cổng dữ liệu KCN")
    at.multiselect[0].select("kcn-quang-chau")
    at.button(key="FormSubmitter:issue_client-Cấp mã truy cập").click().run()
    assert not at.exception, at.exception
    token = at.code[0].value
    assert token.startswith("zr_")
    assert "Mã chỉ hiện một lần" in texts(at)
    client = clients.authenticate(token)
    assert (client.name, client.scope, client.zone_ids) == ("Cổng dữ liệu KCN", "zones", ("kcn-quang-chau",))
    at.run()  # the next run shows the client in the table, not its token
    assert not at.code
    assert "Cổng dữ liệu KCN" in at.dataframe[0].value.iloc[:, 0].tolist()

    revoke = at.button(key="revoke_client")
    assert revoke.disabled  # not without the confirmation
    at.checkbox(key="revoke_sure").check().run()
    at.button(key="revoke_client").click().run()
    assert not at.exception, at.exception
    with pytest.raises(Unauthenticated):
        clients.authenticate(token)


def test_a_company_client_with_an_unsound_tax_code_is_refused_and_nothing_stored(seeded: str) -> None:
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_clients.py").run()
    at.selectbox[0].set_value("company").run()
    at.text_input[0].input("HR Hòa Bình")
    at.text_input[1].input("2400812346")
    at.button(key="FormSubmitter:issue_client-Cấp mã truy cập").click().run()
    assert not at.exception, at.exception
    assert not at.code
    assert [e.value for e in at.error] == ["mã số thuế 2400812346 sai chữ số kiểm tra (chữ số thứ 10)"]
    assert clients.list_clients(CLI_ADMIN) == []
