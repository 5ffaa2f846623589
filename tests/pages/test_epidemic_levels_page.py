"""The epidemic levels in the officials' pages: the zones board's page lists its zones (not the
districts) with the level in force; once a level is set, the Overview names it above its figures."""

from __future__ import annotations

from app.services.oversight import epidemic_levels
from app.services.oversight.epidemic_levels import LevelChange
from tests.pages.apptest import logged_in, texts
from tests.services.helpers import actor, latest_period_id


def test_the_zones_board_sees_its_zones_levels_and_the_overview_names_them(seeded: str) -> None:
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/epidemic_levels.py").run()
    assert not at.exception, at.exception
    assert "Cấp độ dịch theo địa bàn" in texts(at)
    shown = at.dataframe[0].value  # the editor's frame
    assert "KCN Quang Châu" in set(shown.iloc[:, 0]) and not any(a == "Việt Yên" for a in shown.iloc[:, 0])
    assert set(shown.iloc[:, 2]) == {1}  # nothing set: level 1 everywhere

    epidemic_levels.set_levels(
        actor("zone_board"), latest_period_id(), [LevelChange("kcn-quang-chau", 3, "QĐ 45/QĐ-BCĐ")]
    )
    at.switch_page("app/pages/overview.py").run()
    assert not at.exception, at.exception
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Cấp độ dịch đang áp dụng · KCN Quang Châu: 3") for label in labels), labels


def test_the_labour_department_lists_the_districts_with_their_codes(seeded: str) -> None:
    at = logged_in("demo.labour")
    at.switch_page("app/pages/epidemic_levels.py").run()
    assert not at.exception, at.exception
    areas = set(at.dataframe[0].value.iloc[:, 0])
    assert "Việt Yên (222)" in areas and not any(a.startswith("KCN") for a in areas)
