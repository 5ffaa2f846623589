"""`python -m app.serve [streamlit options]`: start one replica, warm.

`streamlit run` imports the app only when the first session runs it, so the first official to log in
to a fresh replica paid for importing pandas and plotly, loading plotly's validators on its first
figure, parsing the rule sets and opening the first database connection (1.3 s against 0.5 s warm,
measured by `bench load`'s cold login). Here all of that happens before the server listens: the
health check answers only once the replica is warm, so nginx never sends a user to a cold one.

Then everything loaded so far is moved out of the garbage collector's sight (`gc.freeze()`).
Streamlit runs a full collection after every page run (`runner.postScriptGC`), which with pandas,
plotly and SQLAlchemy loaded walked ~200,000 objects: 0.1 s of CPU per run, 60 % of a replica's
time under load (py-spy). Frozen, the same collection takes microseconds and still frees what
each session leaves behind.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import time

WARM_MODULES = (
    "streamlit.web.bootstrap",
    "streamlit.web.server",
    "pandas",
    "plotly.graph_objects",
    "app.ui.charts",
    "app.ui.overview",
    "app.ui.lists",
    "app.ui.company",
    "app.ui.questionnaire",
    "app.ui.review",
    "app.services.oversight.monitoring",
    "app.services.oversight.lists",
    "app.services.filing.assessments",
)


def warm() -> float:
    """Import what the pages use and touch what loads lazily; returns the seconds it took."""
    started = time.perf_counter()
    # st.cache_data checks its parameters when a module is imported and, with no server running
    # yet, warns that it would fall back to memory; the caches themselves are made on first call,
    # when the server is up, so the warning is noise here
    importlib.import_module("streamlit.runtime.caching.cache_data_api")  # its logger, configured
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)
    try:
        for name in WARM_MODULES:
            importlib.import_module(name)
    finally:
        caching.setLevel(level)
    import plotly.graph_objects as go

    go.Figure(go.Bar(x=[1], y=[1])).to_json()  # plotly loads its validators on a first figure
    from app.services.admin import rulesets

    rulesets.default()
    try:
        from app.services.oversight import freshness

        freshness.latest()  # one pooled connection open, and the database reachable
    except Exception as failure:  # the first page shows the real error, in the user's language
        print(f"warm-up: database not ready ({type(failure).__name__}); serving anyway", file=sys.stderr)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    from app.config import UnsafeSettings, get_settings

    try:  # a replica that must not serve anyone does not listen at all: no health answer either
        get_settings().check_safe()
    except UnsafeSettings as unsafe:
        print(f"not starting: {unsafe}", file=sys.stderr)
        return 2
    seconds = warm()
    gc.collect()
    gc.freeze()
    print(f"warm-up: {seconds:.2f} s; {gc.get_freeze_count():,} objects frozen", file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", "zonerisk_server.py", *argv]  # the pages and app/web (see there)
    return int(cli.main() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
