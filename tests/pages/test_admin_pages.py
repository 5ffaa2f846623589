"""The admin's pages through the real app; other roles never see them."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from app.assessment import registry
from app.services.admin import company_import
from tests.databases import scalar
from tests.pages.apptest import logged_in, texts
from tests.services.helpers import actor

ADMIN_PAGES = [
    "app/pages/admin_users.py",
    "app/pages/admin_companies.py",
    "app/pages/admin_rounds.py",
    "app/pages/admin_rulesets.py",
    "app/pages/admin_audit.py",
    "app/pages/admin_clients.py",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_each_admin_page_renders(seeded: str, page: str) -> None:
    at = logged_in("demo.admin")
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title[0].value


@pytest.mark.parametrize("username", ["demo.company", "demo.zoneboard", "demo.labour", "demo.ict"])
def test_other_roles_cannot_open_admin_pages(seeded: str, username: str) -> None:
    at = logged_in(username)
    for page in ADMIN_PAGES:
        try:
            at.switch_page(page).run()
        except Exception:
            continue
        page_text = texts(at)
        assert at.title == [] or all(t.value not in ("Người dùng", "Nhật ký thao tác") for t in at.title), (
            page
        )
        assert "demo.admin" not in page_text


def test_create_a_user_from_the_page(seeded: str) -> None:
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_users.py").run()
    at.text_input(key="nu_username").input("canbo.vantrung")
    at.text_input(key="nu_full_name").input("Đỗ Thị Vân")
    at.selectbox(key="nu_role").set_value("zone_board")
    at.text_input(key="nu_password").input("Van-Trung-Kiem-Tra-7")
    at.multiselect(key="nu_zones").select("kcn-van-trung")
    next(b for b in at.button if b.label == "Tạo tài khoản").click().run()
    assert not at.exception
    assert scalar(seeded, "SELECT must_change_password FROM app_user WHERE username = 'canbo.vantrung'") in (
        1,
        True,
    )
    # the users table shows the new account at once, without navigating away
    assert any("canbo.vantrung" in df.value.to_string() for df in at.dataframe)


def test_a_reset_user_must_change_the_password_before_anything_else(seeded: str) -> None:
    from app.services.admin import users
    from tests.pages.apptest import app

    user_id = scalar(seeded, "SELECT id FROM app_user WHERE username = 'demo.labour'")
    temporary = users.reset_password(actor("admin"), user_id)
    at = app()
    at.run()
    at.text_input(key="login_username").input("demo.labour")
    at.text_input(key="login_password").input(temporary)
    at.button[0].click().run()
    at.run()  # where a browser reloads with its cookie
    assert "Mật khẩu của bạn vừa được đặt lại" in texts(at)
    at.text_input(key="pw_current").input(temporary)
    at.text_input(key="pw_new").input("Lao-Dong-Moi-2021")
    at.text_input(key="pw_again").input("Lao-Dong-Moi-2021")
    next(b for b in at.button if b.label == "Lưu mật khẩu").click().run()
    assert not at.exception
    assert "Tổng quan" in texts(at)


def test_registry_upload_shows_problems_by_cell(seeded: str) -> None:
    book = load_workbook(io.BytesIO(company_import.template()))
    book.active["C2"] = "KCN Không Có"
    out = io.BytesIO()
    book.save(out)
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_companies.py").run()
    at.file_uploader[0].upload("registry.xlsx", out.getvalue()).run()
    assert not at.exception
    assert "Tệp có 1 lỗi" in texts(at)
    problems = at.dataframe[0].value
    assert list(problems["Ô"]) == ["C2"]
    assert all(b.key != "do_import" for b in at.button)  # nothing can be imported from a bad file


def test_rulesets_page_shows_a_drafts_impact(seeded: str) -> None:
    from app.services.admin import rulesets

    data = yaml.safe_load((registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    rulesets.upload(actor("admin"), yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_rulesets.py").run()
    assert not at.exception
    assert "Tác động: chấm lại" in texts(at)
    next(b for b in at.button if b.key == "publish").click().run()
    assert rulesets.get("bg-kcn-2021").ruleset.version == 2


def test_a_refused_ruleset_upload_then_its_correction_is_stored(seeded: str) -> None:
    """The admin uploads a rule set that lacks its levels: the page says why in Vietnamese, with the
    place in the file and no meaningless prefix, and stores nothing; the corrected file is stored."""
    data = yaml.safe_load((registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    broken = {k: v for k, v in data.items() if k != "levels"}
    stored = "SELECT COUNT(*) FROM rulesetversion WHERE ruleset_id = 'bg-kcn-2021' AND version = 2"
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_rulesets.py").run()

    # saved in a legacy Vietnamese code page, not UTF-8: said in words, not as a Python error
    at.file_uploader[0].upload("v2.yaml", "tên: Yên".encode("cp1258")).run()
    next(b for b in at.button if b.key == "store_yaml").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tệp không phải văn bản UTF-8; hãy lưu lại tệp YAML với mã hóa UTF-8. Chưa lưu gì."
    ]
    assert scalar(seeded, stored) == 0

    at.file_uploader[0].upload("v2.yaml", yaml.safe_dump(broken, allow_unicode=True).encode()).run()
    next(b for b in at.button if b.key == "store_yaml").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Bộ tiêu chí không hợp lệ; chưa lưu gì:"]
    # the markdown source escapes user-reachable text; it renders as "levels: thiếu trường bắt buộc"
    assert r"- levels\: thiếu trường bắt buộc" in [m.value for m in at.markdown]
    assert scalar(seeded, stored) == 0

    at.file_uploader[0].upload("v2.yaml", yaml.safe_dump(data, allow_unicode=True).encode()).run()
    next(b for b in at.button if b.key == "store_yaml").click().run()
    assert not at.exception
    assert not at.error
    assert scalar(seeded, stored) == 1


def test_a_discarded_draft_is_gone_from_the_page_at_once(seeded: str) -> None:
    """Issue 26 reported the rule-set draft still shown after "Xoá bản nháp": uploaded, stored and
    discarded in one page session, the draft leaves the versions table, the drafts section and
    the base-version choice, and the database."""
    data = yaml.safe_load((registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    stored = "SELECT COUNT(*) FROM rulesetversion WHERE ruleset_id = 'bg-kcn-2021' AND version = 2"
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_rulesets.py").run()
    at.file_uploader[0].upload("v2.yaml", yaml.safe_dump(data, allow_unicode=True).encode()).run()
    next(b for b in at.button if b.key == "store_yaml").click().run()
    assert scalar(seeded, stored) == 1 and "Tác động: chấm lại" in texts(at)
    assert any(b.key == "discard" for b in at.button)
    at.run()  # the versions table was read before the upload, in the same run

    def lists_version_2(frame: pd.DataFrame) -> bool:
        return bool(frame.astype(str).apply(lambda column: column.str.contains(r"\(2\)|v2|^2$")).any().any())

    assert lists_version_2(at.dataframe[0].value)
    next(b for b in at.button if b.key == "discard").click().run()
    assert not at.exception
    assert scalar(seeded, stored) == 0
    assert "Tác động: chấm lại" not in texts(at) and all(b.key != "discard" for b in at.button)
    assert not lists_version_2(at.dataframe[0].value)
    at.run()  # and on the next run, with the file still in the uploader, nothing comes back
    assert "Tác động: chấm lại" not in texts(at) and scalar(seeded, stored) == 0


def test_an_admin_ends_a_users_sessions_and_that_user_is_logged_out(seeded: str) -> None:
    officer = logged_in("demo.labour")
    assert "Đăng xuất" in [b.label for b in officer.sidebar.button]
    admin = logged_in("demo.admin")
    admin.switch_page("app/pages/admin_users.py").run()
    labour_id = scalar(seeded, "SELECT id FROM app_user WHERE username = 'demo.labour'")
    admin.selectbox(key="user_pick").set_value(labour_id).run()
    assert "Phiên đăng nhập đang mở" in texts(admin)
    admin.button(key="end_sessions").click().run()
    assert not admin.exception
    assert "Người này không có phiên đăng nhập nào đang mở." in texts(admin)
    officer.run()  # the officer's next click
    assert officer.text_input(key="login_username") is not None
    assert "Đăng xuất" not in [b.label for b in officer.sidebar.button]
    action = scalar(seeded, "SELECT after FROM auditevent WHERE action = 'user.sessions_end'")
    assert action is not None


def test_an_admin_registers_a_person_for_sign_on(seeded: str) -> None:
    admin = logged_in("demo.admin")
    admin.switch_page("app/pages/admin_users.py").run()
    ict_id = scalar(seeded, "SELECT id FROM app_user WHERE username = 'demo.ict'")
    admin.selectbox(key="user_pick").set_value(ict_id).run()
    admin.text_input(key=f"sso_email_{ict_id}").input("not an address")
    next(b for b in admin.button if b.label == "Lưu đăng ký").click().run()
    assert "Email không hợp lệ." in texts(admin)
    admin.text_input(key=f"sso_subject_{ict_id}").input("vneid-ict-0002")
    admin.text_input(key=f"sso_email_{ict_id}").input("TTTT@BacGiang.gov.vn")
    admin.checkbox(key=f"sso_required_{ict_id}").check()
    next(b for b in admin.button if b.label == "Lưu đăng ký").click().run()
    assert not admin.exception
    assert scalar(seeded, f"SELECT sso_subject FROM app_user WHERE id = {ict_id}") == "vneid-ict-0002"
    assert scalar(seeded, f"SELECT sso_email FROM app_user WHERE id = {ict_id}") == "TTTT@bacgiang.gov.vn"
    assert scalar(seeded, f"SELECT sso_required FROM app_user WHERE id = {ict_id}") in (True, 1)


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [("en", "has a wrong check digit", "sai chữ số kiểm tra"), ("vi", "sai chữ số kiểm tra", "check digit")],
)
def test_an_import_problem_reads_in_the_pages_language_only(
    seeded: str, lang: str, said: str, unsaid: str
) -> None:
    """Issue 26: a Vietnamese tax-code error on an English page (both halves of the message)."""
    book = load_workbook(io.BytesIO(company_import.template()))
    headers = [c.value for c in book.active[1]]
    column = next(n for n, h in enumerate(headers, start=1) if "tax" in str(h).lower() or "thuế" in str(h))
    book.active.cell(row=2, column=column, value="2400812346")
    out = io.BytesIO()
    book.save(out)
    at = logged_in("demo.admin", lang)
    at.switch_page("app/pages/admin_companies.py").run()
    at.file_uploader[0].upload("registry.xlsx", out.getvalue()).run()
    assert not at.exception
    words = " ".join(str(v) for v in at.dataframe[0].value.iloc[:, 1])
    assert said in words and unsaid not in words and " / " not in words


def test_a_password_reset_asks_first_and_a_cancel_changes_nothing(seeded: str) -> None:
    """Issue 26: one click reset a colleague's password and ended their sessions."""
    from tests.databases import scalar

    labour = int(scalar(seeded, "SELECT id FROM app_user WHERE username = 'demo.labour'"))
    before = scalar(seeded, "SELECT password_hash FROM app_user WHERE id = :u", u=labour)
    at = logged_in("demo.admin")
    at.switch_page("app/pages/admin_users.py").run()
    at.selectbox(key="user_pick").set_value(labour).run()
    at.button(key="reset_password").click().run()
    assert "Đặt lại mật khẩu của demo.labour" in texts(at)
    assert scalar(seeded, "SELECT password_hash FROM app_user WHERE id = :u", u=labour) == before
    at.button(key="reset_no").click().run()
    assert "Đặt lại mật khẩu của demo.labour" not in texts(at)
    assert scalar(seeded, "SELECT password_hash FROM app_user WHERE id = :u", u=labour) == before
    at.button(key="reset_password").click().run()
    at.button(key="reset_yes").click().run()
    assert not at.exception
    assert "Mật khẩu tạm của demo.labour" in texts(at)
    assert scalar(seeded, "SELECT password_hash FROM app_user WHERE id = :u", u=labour) != before


def test_rule_sets_are_named_by_title_and_version_in_the_pages_language(seeded: str) -> None:
    """Issue 26: "bg-kcn-2021 v1" and Vietnamese titles on English pages."""
    at = logged_in("demo.admin", "en")
    at.switch_page("app/pages/admin_rounds.py").run()
    shown = list(at.selectbox(key="round_ruleset").options)  # as the page labels them
    assert shown and all("(version " in s and " v1" not in s for s in shown)
    assert any(s.startswith(registry.get("bg-kcn-2021").ruleset.title.en) for s in shown)
    at.switch_page("app/pages/admin_rulesets.py").run()
    titles = set(at.dataframe[0].value["Title"])
    assert registry.get("bg-kcn-2021").ruleset.title.en in titles
    bases = list(at.selectbox(key="ruleset_base").options)  # the points table's base version
    assert bases and all("(version " in s and " v1" not in s for s in bases), bases
    assert registry.get("bg-kcn-2021").ruleset.title.vi not in titles


def test_the_audit_log_reads_in_words(seeded: str) -> None:
    """Issue 26: raw action codes and JSON on the audit page."""
    at = logged_in("demo.admin", "en")
    at.switch_page("app/pages/admin_audit.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    actions = set(table["Action"])
    assert actions and not {a for a in actions if "." in a and " " not in a}, actions
    assert not any(str(v).startswith("{") for v in [*table["Before"], *table["After"]])
