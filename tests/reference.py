"""The reference worked examples, copied from shared/reference so a lone checkout can run the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COPY = Path(__file__).parent / "scoring" / "cases" / "worked-examples.json"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "worked-examples.json"


def worked_examples() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = json.loads(COPY.read_text(encoding="utf-8"))["examples"]
    return examples
