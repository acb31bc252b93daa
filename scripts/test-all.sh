#!/usr/bin/env bash
# Every check of the project, in the order a failure is cheapest to find: types (beside the next
# three), lint (TypeScript and its formatting, then the worker's Python with ruff and mypy), the build, unit and integration tests (vitest), end-to-end
# tests in Chromium, the Python worker's tests (native-models/.venv is created first, on first use,
# from native-models/uv.lock: with uv, or with plain pip when COSMO_NO_UV=1 or uv cannot be had).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The worker's environment comes first: the integration and end-to-end tests launch the real
# Python worker from native-models/.venv.
step "python environment"
bash scripts/python-env.sh
# uv.lock against pyproject.toml, and the pip files exported from it against the lock.
bash scripts/python-lock.sh --check
# The typecheck (tsc, then vue-tsc: about a core for most of a minute) runs beside the lints and
# the build, which use the other core; its output is printed, and a failure stops here, before
# the tests.
step "typecheck (beside the lints and the build; its output follows the build's)"
TYPECHECK_LOG="$(mktemp)"
setsid npm run --silent typecheck >"$TYPECHECK_LOG" 2>&1 &
TYPECHECK_PID=$!
trap 'kill -- -"$TYPECHECK_PID" 2>/dev/null || true; rm -f "$TYPECHECK_LOG"' EXIT
step lint
npm run --silent lint
# The worker's Python: ruff's lint and its formatter, as native-models/README.md asks.
step "python lint"
native-models/.venv/bin/ruff check native-models
native-models/.venv/bin/ruff format --check native-models
# Types of the worker package ([tool.mypy] in native-models/pyproject.toml).
step "python types"
(cd native-models && .venv/bin/mypy)
# Built once, before the vitest suites: the smoke tests of the built CLI and of `npm start`'s
# browser fallback run only against a build newer than the sources, and the end-to-end tests
# serve this build.
step build
npm run --silent build
step typecheck
TYPECHECK_STATUS=0
wait "$TYPECHECK_PID" || TYPECHECK_STATUS=$?
cat "$TYPECHECK_LOG"
if [ "$TYPECHECK_STATUS" -ne 0 ]; then
  echo "typecheck failed (exit $TYPECHECK_STATUS)" >&2
  exit "$TYPECHECK_STATUS"
fi
step "unit and integration tests"
npm run --silent test:unit
step "end-to-end tests"
npx vitest run --config vitest.e2e.config.ts
step "python tests"
npm run --silent test:py
printf '\nAll checks passed.\n'
