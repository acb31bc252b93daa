"""The lock files agree: CUDA = CPU pins + the CUDA torch stack; pins satisfy pyproject's ranges."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pins(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{name}: {raw!r} is not an exact pin"
        pins[req.name.lower().replace("_", "-")] = specs[0].version
    return pins


def test_cuda_lock_is_the_cpu_lock_plus_the_cuda_stack() -> None:
    cpu, cuda = _pins("requirements-cpu.txt"), _pins("requirements-cuda.txt")
    assert {k: cuda.get(k) for k in cpu} == cpu  # every CPU pin, same version (torch included)
    extra = set(cuda) - set(cpu)
    assert "torchvision" in extra and cuda["torchvision"] == "0.28.0"  # the torchvision built for torch 2.13.0
    cuda_stack = {"torchvision", "triton", "cuda-toolkit", "cuda-bindings"}
    assert all(n in cuda_stack or n.startswith("nvidia-") for n in extra)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dep in project["optional-dependencies"]["gpu"]:  # pyproject's GPU extra matches the lock
        req = Requirement(dep)
        assert req.specifier.contains(cuda[req.name]), f"{req} vs torchvision=={cuda[req.name]}"


def test_pins_satisfy_pyproject_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(d) for d in project["dependencies"]]
    wanted += [Requirement(d) for d in project["optional-dependencies"]["dev"]]
    for lock in ("requirements-cpu.txt", "requirements-cuda.txt"):
        pins = _pins(lock)
        for req in wanted:
            name = req.name.lower().replace("_", "-")
            assert name in pins, f"{lock} does not pin {req.name}"
            assert req.specifier.contains(pins[name]), f"{lock}: {name}=={pins[name]} is outside {req.specifier}"


def test_vllm_extra_builds_on_the_cuda_lock() -> None:
    lines = [ln.strip() for ln in (ROOT / "requirements-vllm.txt").read_text(encoding="utf-8").splitlines()]
    body = [ln for ln in lines if ln and not ln.startswith("#")]
    assert body == ["-r requirements-cuda.txt", "vllm==0.30.0"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["optional-dependencies"]["vllm"] == ["vllm==0.30.0"]
