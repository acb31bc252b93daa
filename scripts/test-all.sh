#!/usr/bin/env bash
# Every check of the project, in the order a failure is cheapest to find: types, lint, unit and
# integration tests (vitest), end-to-end tests in Chromium (builds first), the Python worker's tests
# (native-models/.venv is created first, on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The worker's environment comes first: the integration and end-to-end tests launch the real
# Python worker from native-models/.venv.
step "python environment"
bash scripts/python-env.sh
step typecheck
npm run --silent typecheck
step lint
npm run --silent lint
step "unit and integration tests"
npm run --silent test:unit
step "end-to-end tests"
npm run --silent test:e2e
step "python tests"
npm run --silent test:py
printf '\nAll checks passed.\n'
