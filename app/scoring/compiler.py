"""A rule set made ready to score: the interpreter's programs (engine.py) with the generated
straight-line function for valid answers (codegen.py) attached. The one seam where the two meet,
so neither imports the other; a property test holds them equal (tests/scoring/test_codegen.py)."""

from __future__ import annotations

from collections import OrderedDict

from app.assessment.loader import LoadedRuleSet
from app.scoring.codegen import generate
from app.scoring.engine import CompiledRuleSet

CACHE_SIZE = 64  # rule-set versions kept compiled; an admin's uploads cannot grow it without bound
_COMPILED: OrderedDict[str, CompiledRuleSet] = OrderedDict()


def compile_ruleset(loaded: LoadedRuleSet) -> CompiledRuleSet:
    """Compiled once per content hash, so a re-uploaded identical text reuses the same program."""
    compiled = _COMPILED.get(loaded.content_hash)
    if compiled is None:
        compiled = CompiledRuleSet(loaded)
        compiled.fast, compiled.fast_source = generate(compiled)
        _COMPILED[loaded.content_hash] = compiled
        while len(_COMPILED) > CACHE_SIZE:
            _COMPILED.popitem(last=False)
    else:
        _COMPILED.move_to_end(loaded.content_hash)
    return compiled
