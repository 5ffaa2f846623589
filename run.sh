#!/usr/bin/env bash
# Install (into .venv, pinned) and run ZoneRisk on its embedded default: SQLite in data/, demo mode
# (a random key made once into data/secret.key, the demo province seeded into a brand-new database).
# For production set ZONERISK_ENV=production with ZONERISK_SECRET_KEY and ZONERISK_PUBLIC_URL (see
# docs/security.md). PORT sets the port (8501); extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")"
export ZONERISK_ENV="${ZONERISK_ENV:-demo}"
if [ ! -x .venv/bin/python ]; then
  echo "→ creating the Python environment in .venv" >&2
  python3 -m venv .venv
fi
echo "→ installing the pinned packages (requirements.txt); the first time takes a few minutes" >&2
# one line per package as it is fetched and installed, so a first install never looks stuck
.venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt 2>&1 \
  | { grep --line-buffered -E "^(Collecting|Downloading|Installing|Successfully|ERROR)" || true; } >&2
echo "→ preparing the database (migrations; the demo province on first start)" >&2
.venv/bin/python -m app.cli prepare
echo "→ serving on http://localhost:${PORT:-8501}" >&2
# app.serve warms the imports and the first connection, then runs `streamlit run streamlit_app.py`
exec .venv/bin/python -m app.serve --server.port "${PORT:-8501}" "$@"
