# Sourced by scripts/python-env.sh and scripts/python-lock.sh: finding uv, and what the lock's
# CPU install leaves out. native-models/uv.lock is the one lock of the worker's environment.
#
# uv.lock resolves torch 2.13.0 from PyPI for both extras. On Linux that release is the CUDA 13.0
# build, and its metadata pulls the CUDA runtime (nvidia-*, cuda-*, triton). The cpu extra takes
# torch's CPU build from PyTorch's CPU index instead, which has none of those dependencies: it is
# installed by pip (which also honours a machine's own pip configuration, e.g. a local wheelhouse)
# and the lock's CUDA-only packages are neither installed nor exported for it.

# The uv release the lock and the exported requirements files were written with.
COSMO_UV_VERSION=0.13.9
COSMO_TORCH_CPU_INDEX=https://download.pytorch.org/whl/cpu

# Prints the path of a uv to use, or nothing (status 1) when the plain-pip fallback should run:
# COSMO_NO_UV=1 forces the fallback. Otherwise $UV, then a uv on PATH (any version unless
# "exact" is passed), then a uv of COSMO_UV_VERSION installed from PyPI into the user's cache
# (outside the repository, shared by clones); with no PyPI reachable there is none.
find_uv() {
  local exact="${1:-}" candidate home
  if [ "${COSMO_NO_UV:-}" = "1" ]; then return 1; fi
  for candidate in "${UV:-}" "$(command -v uv 2>/dev/null || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$exact" = "exact" ] && [ "$("$candidate" --version 2>/dev/null | cut -d' ' -f2)" != "$COSMO_UV_VERSION" ]; then continue; fi
    echo "$candidate"
    return 0
  done
  home="${COSMO_UV_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/cosmo-studio/uv-$COSMO_UV_VERSION}"
  if [ ! -x "$home/bin/uv" ]; then
    local python="${PYTHON:-python3}"
    echo "python-uv: installing uv $COSMO_UV_VERSION into $home" >&2
    rm -rf "$home"
    if ! { "$python" -m venv "$home" && "$home/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "uv==$COSMO_UV_VERSION"; } >&2; then
      echo "python-uv: uv could not be installed; using plain pip" >&2
      rm -rf "$home"
      return 1
    fi
  fi
  echo "$home/bin/uv"
}

# The lock's packages that only PyPI's CUDA build of torch needs, one per line (from the cuda
# extra's export, so a new CUDA wheel in the lock is covered without editing this file).
cuda_only_packages() {
  local uv="$1"
  "$uv" export --project native-models --frozen --extra cuda --no-dev --no-emit-project --no-hashes --no-annotate --no-header \
    | sed -E 's/[=; \[].*//' | grep -E '^(nvidia-|cuda-|triton$)' || true
}
