# Sourced by scripts/demo and scripts/test: make .venv with Python 3.11+ and install the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: expunge needs Python 3.11 or newer (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "installing python3-venv with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
EXTRAS=${1:-demo}
if [[ ",$EXTRAS," == *",images,"* ]] && ! command -v g++ >/dev/null 2>&1; then
  # pdqhash (photo hashes, extra [images]) has no wheel for Linux: pip builds it from source
  echo "installing a C++ compiler with apt-get (pdqhash builds from source)" >&2
  apt-get update -qq && apt-get install -y -qq g++ python3-dev >/dev/null
fi
if [[ ",$EXTRAS," == *",dev,"* && ",$EXTRAS," == *",web,"* ]] && ! command -v chromium >/dev/null 2>&1; then
  # the web page's browser tests drive Debian's chromium (no browser download from pip)
  echo "installing chromium with apt-get (browser tests of the web page)" >&2
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${EXTRAS//,/_}"
if [ ! -f "$stamp" ]; then
  echo "installing expunge[${EXTRAS}] into .venv (log: .venv/install.log)" >&2
  # The [model] extra needs torch: pin the CPU build first, or pip resolves a multi-GB CUDA one.
  torch_first=true
  if [[ ",$EXTRAS," == *",model,"* ]] && ! .venv/bin/python -c 'import torch' 2>/dev/null; then
    torch_first=".venv/bin/python -m pip install ${EXPUNGE_TORCH:-torch==2.13.0}"
  fi
  if ! { .venv/bin/python -m pip install --upgrade pip && $torch_first && .venv/bin/python -m pip install -e ".[${EXTRAS}]"; } > .venv/install.log 2>&1 \
     || ! .venv/bin/python -c "import expunge, hyperscan" 2>> .venv/install.log; then
    tail -n 20 .venv/install.log >&2
    echo "error: installing expunge failed; the full pip log is in .venv/install.log" >&2
    exit 1
  fi
  touch "$stamp"
fi
