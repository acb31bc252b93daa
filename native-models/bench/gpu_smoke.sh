#!/usr/bin/env bash
# GPU smoke test of the worker on one NVIDIA GPU, offline, in under 10 minutes:
# a Qwen2-VL-2B-sized random model built from a config in code, 12 CPGD steps with LoRA on
# generated photo-sized images, SIGKILL after the first checkpoint and --resume, generation with
# base + adapter, checks (finite grad norm, non-zero clip fraction, peak memory under the card's)
# and one table of steps/s, tokens/s and memory. Exit 1 when a check fails.
#   bash bench/gpu_smoke.sh [--tiny] [--steps N] [--work DIR] [--keep]
# --tiny runs the same code on CPU with the test model (tests/test_gpu_smoke.py does).
# Needs the CUDA environment: pip install -r requirements-cuda.txt (no vLLM needed).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 TOKENIZERS_PARALLELISM=false
if [[ " $* " != *" --tiny "* ]]; then
  "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else "no CUDA GPU visible to torch (use --tiny for the CPU run)")'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
# A hard stop at 10 minutes, so a hang shows as a failure rather than a stuck job.
exec timeout 600 env PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" bench/gpu_smoke.py "$@"
