#!/usr/bin/env bash
# native-models/uv.lock is the one lock of the worker's Python environment; the requirements-*.txt
# beside it are exported from it for machines without uv (plain pip, the studio's in-app setup).
#   bash scripts/python-lock.sh           re-export them (after `uv lock` or a pyproject change)
#   bash scripts/python-lock.sh --check   fail when uv.lock is stale against pyproject.toml or an
#                                         exported file differs from what the lock gives now
# Change a pin with uv (`cd native-models && uv lock --upgrade-package X`), then run this.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/python-uv.sh
source scripts/python-uv.sh

MODE="${1:-write}"
# The interpreter a uv of its own is installed with, when none is found (scripts/python-uv.sh).
export PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! UV_BIN="$(find_uv exact)"; then
  if [ "$MODE" = "--check" ]; then
    echo "python-lock: uv unavailable (COSMO_NO_UV=1 or no PyPI): lock check skipped; native-models/tests/test_requirements.py still compares the exported pins with uv.lock"
    exit 0
  fi
  echo "python-lock: uv $COSMO_UV_VERSION is needed to export the lock" >&2
  exit 1
fi
"$UV_BIN" lock --project native-models --check --offline --quiet || {
  echo "python-lock: native-models/uv.lock does not match pyproject.toml: run \`uv lock\` in native-models" >&2
  exit 1
}

EXPORT=("$UV_BIN" export --project native-models --frozen --no-emit-project --no-hashes --no-annotate --no-header)
NO_CUDA=()
while read -r name; do NO_CUDA+=(--no-emit-package "$name"); done < <(cuda_only_packages "$UV_BIN")

cpu() {
  cat <<TXT
# Exported from uv.lock by scripts/python-lock.sh (do not edit; CI fails when it drifts).
# The CPU training environment, no test tools: pip install -r requirements-cpu.txt
# torch's CPU build comes from PyTorch's CPU index: pip ranks 2.13.0+cpu above PyPI's 2.13.0 (a
# CUDA build on Linux), so Linux/Windows get the small CPU build; macOS wheels on both indexes are
# CPU/MPS builds. The lock's CUDA-only packages (nvidia-*, cuda-*, triton) are left out.
--extra-index-url $COSMO_TORCH_CPU_INDEX
TXT
  "${EXPORT[@]}" --extra cpu --no-dev "${NO_CUDA[@]}"
}
cuda() {
  cat <<'TXT'
# Exported from uv.lock by scripts/python-lock.sh (do not edit; CI fails when it drifts).
# An NVIDIA GPU machine (Linux x86_64/aarch64), no test tools: pip install -r requirements-cuda.txt
# requirements-cpu.txt's pins plus PyPI's CUDA 13.0 build of torch 2.13.0 (NVIDIA driver >= 580),
# its CUDA runtime wheels as torch's metadata requires them, and torchvision 0.28.0 (the release
# built for torch 2.13.0; with it load_processor loads the stock Qwen-VL processors).
# For an older driver use PyTorch's CUDA 12.8 index instead and drop the CUDA 13 lines:
#   pip install -r requirements-cuda.txt --index-url https://download.pytorch.org/whl/cu128 --extra-index-url https://pypi.org/simple
# Not installed in this repo's CI (no GPU there); bench/gpu_smoke.sh is the check on a GPU.
TXT
  "${EXPORT[@]}" --extra cuda --no-dev
}
dev() {
  cat <<'TXT'
# Exported from uv.lock by scripts/python-lock.sh (do not edit; CI fails when it drifts).
# The developer tools (pyproject's dev group: pytest, ruff, mypy, jsonschema), on top of
# requirements-cpu.txt or requirements-cuda.txt: pip install -r requirements-cpu.txt -r requirements-dev.txt
TXT
  "${EXPORT[@]}" --only-group dev
}

status=0
for variant in cpu cuda dev; do
  file="native-models/requirements-$variant.txt"
  if [ "$MODE" = "--check" ]; then
    if ! diff -u "$file" <("$variant") >&2; then
      echo "python-lock: $file differs from uv.lock's export: run \`bash scripts/python-lock.sh\`" >&2
      status=1
    fi
  else
    "$variant" > "$file"
    echo "python-lock: wrote $file"
  fi
done
if [ "$MODE" = "--check" ] && [ "$status" = 0 ]; then echo "python-lock: uv.lock and the exported requirements files agree"; fi
exit "$status"
