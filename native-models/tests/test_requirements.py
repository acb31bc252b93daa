"""uv.lock is the one lock; the pip files beside it are its exports and must not drift from it.

scripts/python-lock.sh --check compares them byte for byte with uv's export where uv is at hand;
these tests read uv.lock directly, so the plain-pip fallback (no uv) checks the same thing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
DEV_TOOLS = {"pytest", "ruff", "mypy", "jsonschema"}


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _lock() -> dict[str, dict[str, Any]]:
    packages = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]
    by_name = {_norm(p["name"]): p for p in packages}
    assert len(by_name) == len(packages), "the lock forks a package into several versions; these tests assume one"
    return by_name


def _project() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{name}: {raw!r} is not an exact pin"
        pins[_norm(req.name)] = specs[0].version
    return pins


def _closure(lock: dict[str, dict[str, Any]], roots: list[dict[str, Any]], skip_extra: str) -> set[str]:
    """Every lock package the given dependency entries reach (markers ignored but the other extra's)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        dep = todo.pop()
        if skip_extra in dep.get("marker", ""):
            continue
        name = _norm(dep["name"])
        pkg = lock[name]
        for extra in dep.get("extra", []):
            todo.extend(pkg.get("optional-dependencies", {}).get(extra, []))
        if name in seen:
            continue
        seen.add(name)
        todo.extend(pkg.get("dependencies", []))
    return seen


def _cuda_only(name: str) -> bool:
    return name.startswith(("nvidia-", "cuda-")) or name == "triton"


def test_exports_pin_exactly_the_lock() -> None:
    lock = _lock()
    for name in ("requirements-cpu.txt", "requirements-cuda.txt", "requirements-dev.txt"):
        for pkg, version in _pins(name).items():
            assert pkg in lock, f"{name} pins {pkg}, which uv.lock does not hold"
            assert lock[pkg]["version"] == version, f"{name}: {pkg}=={version}, uv.lock has {lock[pkg]['version']}"


def test_each_export_holds_its_whole_part_of_the_lock() -> None:
    lock = _lock()
    root = lock["cosmo-rl"]
    base = root["dependencies"]
    cpu = _closure(lock, base + root["optional-dependencies"]["cpu"], "cosmo-rl-cuda")
    cuda = _closure(lock, base + root["optional-dependencies"]["cuda"], "cosmo-rl-cpu")
    dev = _closure(lock, root["dev-dependencies"]["dev"], "cosmo-rl-cuda")
    # The CPU environment takes torch's CPU build, which needs none of PyPI's CUDA runtime wheels.
    assert set(_pins("requirements-cpu.txt")) == {p for p in cpu if not _cuda_only(p)}
    assert set(_pins("requirements-cuda.txt")) == cuda
    assert set(_pins("requirements-dev.txt")) == dev


def test_the_training_environment_holds_no_test_tools() -> None:
    for name in ("requirements-cpu.txt", "requirements-cuda.txt"):
        assert not DEV_TOOLS & set(_pins(name)), f"{name} holds test tools; they belong in the dev group"
    assert set(_pins("requirements-dev.txt")) >= DEV_TOOLS
    assert "cosmo-rl" not in _pins("requirements-cpu.txt")


def test_cpu_and_cuda_exports_differ_only_by_the_cuda_stack() -> None:
    cpu, cuda = _pins("requirements-cpu.txt"), _pins("requirements-cuda.txt")
    assert {k: cuda.get(k) for k in cpu} == cpu  # every CPU pin, same version (torch included)
    extra = set(cuda) - set(cpu)
    assert cuda["torchvision"] == "0.28.0"  # the torchvision built for torch 2.13.0
    assert all(n == "torchvision" or _cuda_only(n) for n in extra)
    assert not any(_cuda_only(n) for n in cpu)
    lines = (ROOT / "requirements-cpu.txt").read_text(encoding="utf-8").splitlines()
    index = [ln for ln in lines if ln.startswith("--")]
    assert index == ["--extra-index-url https://download.pytorch.org/whl/cpu"]


def test_lock_satisfies_pyproject() -> None:
    project = _project()
    lock = _lock()
    wanted = [Requirement(d) for d in project["project"]["dependencies"]]
    wanted += [Requirement(d) for d in project["dependency-groups"]["dev"]]
    for extra in ("cpu", "cuda"):
        wanted += [Requirement(d) for d in project["project"]["optional-dependencies"][extra]]
    for req in wanted:
        version = lock[_norm(req.name)]["version"]
        assert req.specifier.contains(version), f"uv.lock: {req.name}=={version} is outside {req.specifier}"
    assert project["project"]["requires-python"] == ">=3.11,<3.14"
    assert tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["requires-python"] == ">=3.11, <3.14"
    assert [{"extra": "cpu"}, {"extra": "cuda"}] in project["tool"]["uv"]["conflicts"]


def test_vllm_builds_on_the_cuda_export() -> None:
    lines = [ln.strip() for ln in (ROOT / "requirements-vllm.txt").read_text(encoding="utf-8").splitlines()]
    body = [ln for ln in lines if ln and not ln.startswith("#")]
    assert body == ["-r requirements-cuda.txt", "vllm==0.30.0"]
