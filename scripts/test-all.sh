#!/usr/bin/env bash
# Every check of the project, in the order a failure is cheapest to find: types, lint (TypeScript,
# then the worker's Python with ruff and mypy), the build, unit and integration tests (vitest), end-to-end
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
step typecheck
npm run --silent typecheck
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
step "unit and integration tests"
npm run --silent test:unit
step "end-to-end tests"
npx vitest run --config vitest.e2e.config.ts
step "python tests"
npm run --silent test:py
printf '\nAll checks passed.\n'
