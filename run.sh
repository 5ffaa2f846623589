#!/usr/bin/env bash
# Install (into .venv, pinned) and run ZoneRisk on its embedded default: SQLite in data/, demo data
# seeded on first start. Set DATABASE_URL for PostgreSQL. Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run streamlit_app.py --server.port "${PORT:-8501}" "$@"
