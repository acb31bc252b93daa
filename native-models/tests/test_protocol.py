"""Event protocol: models, writer, stdout ownership, schema file, and the stdin control channel."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from cosmo_rl import events_schema
from cosmo_rl.control import CancelToken, handle_line, start_stdin_reader
from cosmo_rl.protocol import (
    Checkpoint,
    Error,
    EventWriter,
    Finished,
    GpuInfo,
    Log,
    Metrics,
    Progress,
    Rollout,
    RolloutRewards,
    Sample,
    Started,
    finite_values,
    parse_event,
)

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _all_events() -> list:
    rewards = RolloutRewards(format=1.0, visual=None, helpful=0.5, task=0.1, total=1.6)
    rollout = Rollout(
        item_id="a1", task="safety", prompt="hi", image=None, completion="<think>x</think>y", rewards=rewards
    )
    return [
        Started(
            run_id="r1",
            device="cuda",
            gpu=GpuInfo(name="H100", memory_total_mb=81559),
            torch="2",
            transformers="5",
            trl="1",
            config_hash="ab",
        ),
        Progress(stage="stage1", step=3, total_steps=10, stage_step=3, stage_total=5, eta_seconds=12.5),
        Metrics(step=3, stage="stage1", values={"loss": 0.1}),
        Checkpoint(step=3, stage="stage1", path="/tmp/x/checkpoint-3"),
        Sample(step=3, stage="stage1", rollouts=[rollout]),
        Log(level="info", message="hello"),
        Error(message="boom", traceback="Traceback ...", advice=None),
        Finished(status="completed", checkpoint="/tmp/x/final"),
    ]


def test_every_event_round_trips_with_version_type_and_time() -> None:
    for event in _all_events():
        line = event.model_dump_json()
        data = json.loads(line)
        assert data["v"] == 1
        assert data["type"] == event.type
        assert data["time"].endswith("Z") and "T" in data["time"]
        assert parse_event(line) == event


def test_parse_rejects_unknown_type_wrong_version_and_extra_fields() -> None:
    good = json.loads(Log(level="info", message="m").model_dump_json())
    for bad in ({**good, "type": "nope"}, {**good, "v": 2}, {**good, "extra": 1}, {**good, "level": "loud"}):
        with pytest.raises(ValidationError):
            parse_event(json.dumps(bad))


def test_writer_emits_one_flushed_line_per_event() -> None:
    class Recorder(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            self.flushes += 1
            super().flush()

    stream = Recorder()
    writer = EventWriter(stream)
    writer.emit(Metrics(step=1, stage="stage1", values={"a": 1.0}))
    writer.log("warning", "careful")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and stream.flushes == 2
    assert parse_event(lines[1]) == Log(level="warning", message="careful", time=json.loads(lines[1])["time"])


def test_finite_values_keep_only_finite_numbers() -> None:
    values = {"a": 1, "b": 2.5, "c": float("nan"), "d": float("inf"), "e": None, "f": "x", "g": True}
    assert finite_values(values) == {"a": 1.0, "b": 2.5}


def test_claim_stdout_keeps_everything_else_off_stdout() -> None:
    script = textwrap.dedent(
        """
        import os, subprocess, sys
        from cosmo_rl.protocol import EventWriter, claim_stdout
        writer = EventWriter(claim_stdout())
        print("print noise")
        os.write(1, b"fd noise\\n")
        subprocess.run([sys.executable, "-c", "print('child noise')"], check=True)
        writer.log("info", "only me")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PACKAGE_ROOT, timeout=60, check=True
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert parse_event(lines[0]).type == "log"
    for noise in ("print noise", "fd noise", "child noise"):
        assert noise in proc.stderr


def test_events_schema_file_is_current() -> None:
    path = events_schema.SCHEMA_PATH
    assert path.exists(), "run python -m cosmo_rl.events_schema"
    assert path.read_text(encoding="utf-8") == events_schema.render(), "run python -m cosmo_rl.events_schema"
    schema = json.loads(path.read_text(encoding="utf-8"))
    kinds = {ref["$ref"].rsplit("/", 1)[-1] for ref in schema["oneOf"]}
    assert kinds == {"Started", "Progress", "Metrics", "Checkpoint", "Sample", "Probe", "Log", "Error", "Finished"}
    assert {"v", "type", "time"} <= set(schema["$defs"]["Finished"]["required"])


def test_control_lines_set_cancel_only_for_cancel() -> None:
    token = CancelToken()
    warnings: list[str] = []
    for line in ("", "not json", '{"type": "pause"}', "[1]"):
        handle_line(line, token, warnings.append)
    assert not token.cancelled
    assert len(warnings) == 3
    handle_line('{"type":"cancel"}\n', token, warnings.append)
    assert token.cancelled


def test_stdin_reader_thread_cancels_and_survives_eof() -> None:
    token = CancelToken()
    thread = start_stdin_reader(token, lambda _m: None, io.StringIO('{"type":"noop"}\n{"type":"cancel"}\n'))
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert token.cancelled
    idle = CancelToken()
    start_stdin_reader(idle, lambda _m: None, io.StringIO("")).join(timeout=5)
    assert not idle.cancelled  # end of input is not a cancel
