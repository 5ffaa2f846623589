"""The C loader reads every YAML file the app ships exactly as PyYAML's safe loader does, and is as
safe: a Python tag in an uploaded rule set is refused, not constructed."""

from __future__ import annotations

import pytest
import yaml

from app import yaml_text
from app.config import ROOT

SHIPPED = sorted(p for folder in ("app", "seed", "deploy") for p in (ROOT / folder).rglob("*.y*ml"))


def test_every_shipped_yaml_file_reads_as_the_safe_loader_reads_it() -> None:
    assert len(SHIPPED) > 20  # the data files, rule sets, translations and thresholds
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        assert yaml_text.load(text) == yaml.safe_load(text), path


@pytest.mark.parametrize(
    "text",
    ["!!python/object/apply:os.system ['true']", "a: !!python/name:os.system ''", "x: !!binary 'AAAA'\n"],
)
def test_python_tags_are_refused_as_by_the_safe_loader(text: str) -> None:
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as safe_error:
        with pytest.raises(yaml.YAMLError):
            yaml_text.load(text)
        assert type(safe_error).__name__ == "ConstructorError"
    else:  # a plain tag (binary) both construct alike
        assert yaml_text.load(text) == expected


def test_a_syntax_error_says_where() -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml_text.load("id: a\ninputs: [1, 2\n")
    assert caught.value.problem_mark is not None  # type: ignore[attr-defined]  # the loader's errors carry a mark
