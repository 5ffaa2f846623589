"""The ICT department's platform page: a bad export shows its problems by cell and cannot be
loaded; the corrected one loads, and the companies that claimed more than the platforms counted
are listed first, on the page and beside the company's own figures on its detail."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import text

from app.services.context import unit_of_work
from tests.pages.apptest import figures, logged_in, texts
from tests.services.helpers import latest_period_id

HEADER = ["Mã số thuế", "Ngày số liệu", "Số lao động đăng ký", "Đã cài Bluezone", "Đã khai báo y tế"]


def _export(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _filers() -> list[Any]:
    with unit_of_work() as session:
        return list(
            session.execute(
                text(
                    "SELECT c.tax_code, c.workers, a.bluezone_installed, a.health_declared, p.opens_on, c.id "
                    "FROM assessment a JOIN company c ON c.id = a.company_id "
                    "JOIN period p ON p.id = a.period_id "
                    "WHERE a.period_id = :r AND a.is_latest AND c.workers >= 200 "
                    "AND a.bluezone_installed >= 100 ORDER BY c.id"
                ),
                {"r": latest_period_id()},
            ).all()
        )


def test_the_ict_department_loads_an_export_after_a_correction_and_sees_the_over_reporters(
    seeded: str,
) -> None:
    filers = _filers()[:3]
    assert len(filers) == 3
    honest = [[c, str(d), w, min(b, w), min(h or 0, w)] for c, w, b, h, d, _ in filers[1:]]
    liar = filers[0]
    rows = [[liar[0], str(liar[4]), liar[1], liar[2] // 2, min(liar[3] or 0, liar[1])], *honest]
    wrong = [list(r) for r in rows]
    wrong[1][3] = wrong[1][2] + 5  # more installed than registered
    at = logged_in("demo.ict")
    at.switch_page("app/pages/platform_data.py").run()
    assert not at.exception, at.exception
    assert "Chưa có số liệu nền tảng cho kỳ này." in texts(at)
    at.file_uploader[0].upload("bluezone.xlsx", _export(wrong)).run()
    assert "Tệp có 1 lỗi" in texts(at)
    assert list(at.dataframe[0].value["Ô"]) == ["D3"]
    assert all(b.key != "platform_do_import" for b in at.button)
    at.file_uploader[0].upload("bluezone.xlsx", _export(rows)).run()
    assert "3 doanh nghiệp hợp lệ" in texts(at)
    next(b for b in at.button if b.key == "platform_do_import").click().run()
    assert not at.exception, at.exception
    assert "Đã nhập 3 doanh nghiệp (0 thay số liệu cũ); 1 bản nộp tự khai cao hơn nền tảng." in texts(at)
    table = at.dataframe[-1].value
    assert table.iloc[0]["Đối chiếu"] == "Khai cao hơn" and liar[0] in table.iloc[0]["Doanh nghiệp"]
    assert list(table["Đối chiếu"]).count("Khai cao hơn") == 1
    assert figures(at)["Tự khai cao hơn nền tảng"] == "1 / 3"

    overview = logged_in("demo.ict")
    overview.switch_page("app/pages/overview.py").run()
    overview.segmented_control(key="overview_chart").set_value("adoption").run()
    assert not overview.exception, overview.exception
    assert "Nền tảng so với tự khai" in texts(overview)
    platforms = overview.dataframe[-1].value
    assert platforms["Doanh nghiệp"].map(lambda v: int(str(v).replace(".", ""))).sum() == 3

    detail = logged_in("demo.ict")
    detail.query_params["company"] = str(liar[5])
    detail.switch_page("app/pages/company_detail.py").run()
    assert not detail.exception, detail.exception
    shown = texts(detail)
    assert "Nền tảng" in shown and "tự khai cao hơn số liệu của nền tảng" in shown.lower()
