"""Areas with their official GSO codes, and the administrative structure as data (both engines): the
demo's districts carry Bắc Giang's codes 213–223 and the API gives each company its area's code;
switched to the two-level structure of 1 July 2025, an admin loads communes by code (all or nothing),
and the labour department's scope follows: its companies are the communes', not the districts'."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from app.config import get_settings
from app.identifiers import nth_tax_code
from app.services.admin import area_import
from app.services.context import unit_of_work
from app.services.errors import Forbidden
from app.services.filing import companies
from app.services.integration import reads
from app.services.oversight import epidemic_levels
from tests.services.helpers import actor, latest_period_id

GSO_2021 = {
    "TP Bắc Giang": "213",
    "Yên Thế": "215",
    "Tân Yên": "216",
    "Lạng Giang": "217",
    "Lục Nam": "218",
    "Lục Ngạn": "219",
    "Sơn Động": "220",
    "Yên Dũng": "221",
    "Việt Yên": "222",
    "Hiệp Hòa": "223",
}


def _sql(query: str) -> list[tuple[Any, ...]]:
    with unit_of_work() as session:
        return [tuple(r) for r in session.execute(text(query)).all()]


def _pairs(query: str) -> dict[Any, Any]:
    return {row[0]: row[1] for row in _sql(query)}


def test_the_districts_carry_their_gso_codes_and_the_api_gives_them(seeded: str) -> None:
    assert _pairs("SELECT name, code FROM zone WHERE kind = 'district'") == GSO_2021
    assert _sql("SELECT count(*) FROM zone WHERE kind = 'industrial_zone' AND code IS NOT NULL") == [(0,)]
    persona = reads.company(actor("ict"), "2400812345")
    assert persona["area"] == "kcn-quang-chau" and persona["area_code"] == "222"  # KCN Quang Châu, Việt Yên
    items, _ = reads.companies(actor("labour"), limit=500)
    names = _pairs("SELECT id, name FROM zone")
    assert items and all(i["area_code"] == GSO_2021[names[i["area"]]] for i in items)


def _communes(rows: list[str]) -> bytes:
    return ("\ufeffcode,name,lat,lon\n" + "\n".join(rows) + "\n").encode()


def test_on_the_2025_structure_communes_are_loaded_and_the_labour_scope_follows(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONERISK_AREA_STRUCTURE", "communes_2025")
    get_settings.cache_clear()
    labour = actor("labour")
    assert reads.companies(labour, limit=500)[0] == []  # districts are no longer its areas

    bad = area_import.import_areas(
        actor("admin"), _communes(["07210,Phường Việt Yên,,", "222,Huyện cũ,,", "07210,Trùng,,"]), apply=True
    )
    assert [cell for cell, _ in bad.problems] == ["A3", "A4"]  # a district's 3 digits; a repeated code
    assert _sql("SELECT count(*) FROM zone WHERE kind = 'commune'") == [(0,)]  # nothing written
    with pytest.raises(Forbidden):
        area_import.import_areas(actor("labour"), _communes(["07210,Phường Việt Yên,,"]), apply=True)

    done = area_import.import_areas(
        actor("admin"), _communes(["07210,Phường Việt Yên,21.27,106.10", "07225,Xã Nếnh,,"]), apply=True
    )
    assert done.problems == [] and sorted(done.created) == ["07210", "07225"]
    again = area_import.import_areas(
        actor("admin"), _communes(["07210,Phường Việt Yên,,", "07225,Phường Nếnh,,"]), apply=True
    )
    assert again.created == [] and again.renamed == ["07225"] and again.unchanged == 1

    companies.create_company(
        actor("admin"),
        {
            "tax_code": nth_tax_code(7, "0109"),
            "name": "Công ty TNHH Xã Nếnh",
            "sector": "Cơ khí",
            "zone_id": "commune-07225",
        },
    )
    items, _ = reads.companies(labour, limit=500)
    assert [(i["name"], i["area_code"]) for i in items] == [("Công ty TNHH Xã Nếnh", "07225")]
    listed = {a.zone_id: a for a in epidemic_levels.areas(labour, latest_period_id())}
    assert set(listed) == {"commune-07210", "commune-07225"}
    board = {i["area"] for i in reads.companies(actor("zone_board"), limit=500)[0]}
    assert board and all(area.startswith("kcn-") for area in board)  # the zones board is unchanged


def test_the_demo_refuses_to_seed_a_structure_it_has_no_areas_for(
    empty_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.migrate import upgrade
    from seed.build import SeedError, build

    monkeypatch.setenv("ZONERISK_AREA_STRUCTURE", "communes_2025")
    get_settings.cache_clear()
    upgrade(empty_db)
    with pytest.raises(SeedError, match="areas import"):
        build(companies=5, periods=1)
