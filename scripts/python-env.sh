#!/usr/bin/env bash
# Creates native-models/.venv for the Python worker and its tests (Python 3.11-3.13, 3.11 first):
# the CPU training environment of native-models/uv.lock plus its dev group (pytest, ruff, mypy,
# jsonschema), and the package itself in editable mode.
# - With uv (on PATH, $UV, or installed from PyPI into the user's cache; scripts/python-uv.sh):
#   torch's CPU build by pip first (PyTorch's CPU index, or the machine's pip configuration where
#   that index cannot be reached), then `uv sync --frozen --extra cpu --group dev`, which leaves
#   torch and the lock's CUDA-only wheels alone.
# - Without uv, or with COSMO_NO_UV=1: the same torch step, then pip with requirements-cpu.txt and
#   requirements-dev.txt, the files exported from the lock.
# Idempotent: skipped when the stamp holds the hash of the lock, its exports, pyproject and the
# way it was installed, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/python-uv.sh
source scripts/python-uv.sh

# COSMO_PYTHON_VENV: build elsewhere (a scratch venv to try both ways); the app and the tests use the default.
VENV="${COSMO_PYTHON_VENV:-native-models/.venv}"
REQ=native-models/requirements-cpu.txt
DEV_REQ=native-models/requirements-dev.txt
STAMP="$VENV/.studio-stamp"

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null; then
      PYTHON="$candidate"
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "python-env: Python 3.11, 3.12 or 3.13 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
export PYTHON

UV_BIN=""
if UV_BIN="$(find_uv)"; then WAY="uv"; else UV_BIN=""; WAY="pip"; fi

HASH="$( { echo "$WAY"; cat native-models/uv.lock "$REQ" "$DEV_REQ" native-models/pyproject.toml; } | sha256sum | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  echo "python-env: $VENV is up to date ($WAY)"
  exit 0
fi

echo "python-env: creating $VENV with $("$PYTHON" --version), installing with $WAY"
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
TORCH="$(grep -E '^torch==' "$REQ" | cut -d' ' -f1)"
# PyTorch's CPU index gives the small CPU wheel. Where it cannot be reached (offline mirrors, CI
# with a local wheelhouse) pip would retry it for every package: leave it out and say so.
if "$PYTHON" -c "import socket; socket.getaddrinfo('download.pytorch.org', 443)" >/dev/null 2>&1; then
  TORCH_ARGS=(--extra-index-url "$COSMO_TORCH_CPU_INDEX")
else
  echo "python-env: download.pytorch.org is unreachable; installing torch from the configured indexes (pip config) instead"
  TORCH_ARGS=()
fi
# The lock's pins (no index lines) hold torch's own dependencies at the locked versions.
PINS="$(mktemp)"
trap 'rm -f "$PINS"' EXIT
grep -E '^[A-Za-z0-9]' "$REQ" "$DEV_REQ" -h > "$PINS"
"${PIP[@]}" install --quiet "${TORCH_ARGS[@]}" -c "$PINS" "$TORCH"

if [ "$WAY" = "uv" ]; then
  # Exact versions of everything else from the lock. --inexact keeps what the lock does not
  # install here (pip, torch's CPU build); --no-install-package keeps uv off torch and the CUDA wheels.
  SKIP=(--no-install-package torch)
  while read -r name; do SKIP+=(--no-install-package "$name"); done < <(cuda_only_packages "$UV_BIN")
  UV_PROJECT_ENVIRONMENT="$(cd "$VENV" && pwd)" "$UV_BIN" sync --project native-models --frozen --inexact --quiet \
    --python "$VENV/bin/python" --extra cpu --group dev "${SKIP[@]}"
else
  REQUIREMENTS="$(mktemp)"
  trap 'rm -f "$PINS" "$REQUIREMENTS"' EXIT
  if [ "${#TORCH_ARGS[@]}" -gt 0 ]; then
    cp "$REQ" "$REQUIREMENTS"
  else
    grep -v -- '--extra-index-url' "$REQ" > "$REQUIREMENTS"
  fi
  "${PIP[@]}" install --quiet -c "$PINS" -r "$REQUIREMENTS" -r "$DEV_REQ"
  "${PIP[@]}" install --quiet -e native-models --no-deps
fi
# A CPU environment: torch's CPU build, none of the CUDA wheels of PyPI's build.
"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
import sys

cuda = sorted(d.metadata["Name"] for d in md.distributions() if d.metadata["Name"].lower().startswith(("nvidia-", "cuda-", "triton")))
if cuda:
    sys.exit(f"python-env: the CPU environment holds CUDA packages: {', '.join(cuda)}")
PY
echo "$HASH" > "$STAMP"
echo "python-env: ready ($VENV, $WAY, torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)'))"
