#!/usr/bin/env bash
# Creates native-models/.venv for the Python worker and its tests: Python 3.11, torch first (so
# pip resolves everything else against the pinned build), then the exact CPU pins, then the
# package itself in editable mode. Idempotent: skipped when the stamp holds the hash of the
# requirements and pyproject, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=native-models/.venv
REQ=native-models/requirements-cpu.txt
STAMP="$VENV/.studio-stamp"
TORCH=torch==2.13.0
TORCH_INDEX=https://download.pytorch.org/whl/cpu

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      PYTHON="$candidate"
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "python-env: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

HASH="$(cat "$REQ" native-models/pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  echo "python-env: $VENV is up to date"
  exit 0
fi

echo "python-env: creating $VENV with $("$PYTHON" --version)"
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
CONSTRAINT="$(mktemp)"
REQUIREMENTS="$(mktemp)"
trap 'rm -f "$CONSTRAINT" "$REQUIREMENTS"' EXIT
echo "$TORCH" > "$CONSTRAINT"
# PyTorch's CPU index gives the small CPU wheel. Where it cannot be reached (offline mirrors, CI
# with a local wheelhouse) pip would retry it for every package: leave it out and say so.
if "$PYTHON" -c "import socket; socket.getaddrinfo('download.pytorch.org', 443)" >/dev/null 2>&1; then
  TORCH_ARGS=(--extra-index-url "$TORCH_INDEX")
  cp "$REQ" "$REQUIREMENTS"
else
  echo "python-env: download.pytorch.org is unreachable; installing torch from the configured indexes (pip config) instead"
  TORCH_ARGS=()
  grep -v -- '--extra-index-url' "$REQ" > "$REQUIREMENTS"
fi
"${PIP[@]}" install --quiet "${TORCH_ARGS[@]}" "$TORCH"
"${PIP[@]}" install --quiet -c "$CONSTRAINT" -r "$REQUIREMENTS"
"${PIP[@]}" install --quiet -e native-models --no-deps
echo "$HASH" > "$STAMP"
echo "python-env: ready ($VENV)"
