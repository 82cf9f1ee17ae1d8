#!/usr/bin/env bash
# Opens the notebooks in Jupyter with the project's Deno kernel (`npm run notebook`).
# Needs Debian's Jupyter front end: apt-get install jupyter-notebook (the kernel itself is node_modules/.bin/deno).
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/run_notebooks.py --install-kernel
export JUPYTER_PATH="$PWD/notebooks/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
exec jupyter notebook notebooks/
