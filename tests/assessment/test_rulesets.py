"""Rule sets as data: the shipped files load, bad files are refused with their path, and a published
version cannot change silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.assessment import registry
from app.assessment.loader import RuleSetError, parse_ruleset

# A published version is frozen: changing one of these files is a new version, not an edit.
PINNED = {
    ("bg-kcn-2021", 1): "c63a6079e7c2a399400ae3e2604676b39930cba48b91ec83273ceca827798ecc",
    ("hcmc-1203-2020", 1): "52a7d92f581d8337d6848f724c0534c7f4f4f84c1dada4b5d34d5dd4125b1eec",
    ("vn-2194-2020", 1): "19876a4a0eb004fd7f72323ab8c7792c5fcbea7bec2e814630de0e15c0051634",
    ("bg-kcn-dk-2021", 1): "34357b595049f8fad615f3618b8198c62e909045c8387bc514a2e60f8aed11e0",
}


def test_published_versions_are_frozen() -> None:
    shipped = registry.shipped()
    assert set(shipped) == set(PINNED)
    for key, digest in PINNED.items():
        assert shipped[key].content_hash == digest, f"{key} changed: publish a new version"


def test_the_three_sets_load_with_their_shape() -> None:
    bg = registry.get("bg-kcn-2021").ruleset
    assert [c.id for c in sorted(bg.criteria(), key=lambda c: int(c.id[2:]))] == [
        f"CS{n}" for n in range(1, 16)
    ]
    assert bg.scale.max_total == 300 and bg.complete and bg.has_reconstructed
    hcmc = registry.get("hcmc-1203-2020").ruleset
    assert len(hcmc.criteria()) == 10 and hcmc.scale.max_total == 100
    vn = registry.get("vn-2194-2020").ruleset
    assert not vn.complete and not vn.selectable
    assert registry.default_id() == "bg-kcn-2021"


def test_unknown_ruleset_names_the_known_ones() -> None:
    with pytest.raises(LookupError, match="bg-kcn-2021"):
        registry.get("nope")
    with pytest.raises(LookupError):
        registry.get("bg-kcn-2021", 9)


def _bg_data() -> dict[str, Any]:
    path = registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True), "test.yaml")
    assert caught.value.source == "test.yaml"
    return caught.value.problems


def _bands(data: dict[str, Any], criterion: str) -> list[dict[str, Any]]:
    for section in data["sections"]:
        for c in section["criteria"]:
            if c["id"] == criterion:
                bands: list[dict[str, Any]] = c["rule"]["bands"]
                return bands
    raise KeyError(criterion)


def test_a_gap_between_bands_is_refused_with_its_path() -> None:
    data = _bg_data()
    _bands(data, "CS1")[1]["ge"] = 60  # 50–59 now scores nothing
    found = _problems(data)
    assert any("sections[0].criteria[0]" in p and "gap" in p for p in found), found


def test_overlapping_bands_are_refused() -> None:
    data = _bg_data()
    _bands(data, "CS1")[1]["ge"] = 40
    assert any("overlap" in p for p in _problems(data))


def test_overlapping_level_bands_are_refused() -> None:
    data = _bg_data()
    data["levels"][1]["band"] = {"ge": 15, "le": 30}
    assert any(p.startswith("levels") and "overlap" in p for p in _problems(data))


def test_unknown_keys_and_missing_options_are_refused() -> None:
    data = _bg_data()
    data["sections"][0]["criteria"][0]["weight"] = 2
    data["sections"][0]["criteria"][2]["rule"]["points"].pop("f0")
    found = _problems(data)
    assert any("weight" in p and "Extra inputs" in p for p in found)
    data = _bg_data()
    data["sections"][0]["criteria"][2]["rule"]["points"].pop("f0")
    assert any("no points for option(s) f0" in p for p in _problems(data))


def test_points_above_max_and_wrong_total_are_refused() -> None:
    data = _bg_data()
    data["sections"][0]["criteria"][0]["rule"]["bands"][-1]["points"] = 12
    found = _problems(data)
    assert any("exceeds the max 10" in p for p in found)
    data = _bg_data()
    data["scale"]["max_total"] = 310
    assert any("add up to 300" in p for p in _problems(data))


def test_a_rule_reading_an_unknown_input_is_refused() -> None:
    data = _bg_data()
    data["sections"][0]["criteria"][0]["rule"]["input"] = "employees"
    assert any("unknown input 'employees'" in p for p in _problems(data))


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset("id: x\nversion: [1\n", "broken.yaml")
    assert "line" in caught.value.problems[0]


def test_files_live_where_their_id_and_version_say(tmp_path: Path) -> None:
    for path in registry.RULESET_DIR.glob("*/v*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.parent.name == data["id"] and path.name == f"v{data['version']}.yaml"
