"""YAML data files and uploaded rule sets read through libyaml's C parser where PyYAML has it
(its wheels and Debian's do): the same documents as `yaml.safe_load`, about 9× faster. Every
start of a page, a command or a test process reads two dozen data files, and an uploaded rule
set was parsed in 0.14 s, twice (its shape, then its content). The pure-Python loader is the
fallback."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """`yaml_text.load(text)`, in C where available: only plain tags, no Python objects."""
    return yaml.load(text, Loader=SafeLoader)
