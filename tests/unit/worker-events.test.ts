/**
 * Worker event parsing: events written by the worker's own pydantic models (when a Python env
 * exists) parse with the zod schemas; partial lines, stray prints and bad JSON never throw.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import { LineSplitter, imageSha256, parseWorkerLine } from '../../main/core/training/worker-events.js';

const WORKER_DIR = resolve(__dirname, '../../native-models');
const T = '2026-11-24T20:00:00.000Z';

describe('parseWorkerLine', () => {
  it('parses each event type', () => {
    const lines = [
      { v: 1, type: 'started', time: T, run_id: 'r1', device: 'cpu', gpu: null, torch: '2.13', transformers: '5', trl: '1', config_hash: 'ab' },
      { v: 1, type: 'progress', time: T, stage: 'stage1', step: 2, total_steps: 4, stage_step: 2, stage_total: 4, eta_seconds: null },
      { v: 1, type: 'metrics', time: T, step: 2, stage: 'stage1', values: { loss: 0.5, 'reward/total': 1.2 } },
      { v: 1, type: 'checkpoint', time: T, step: 2, stage: 'stage1', path: '/r/checkpoint-2' },
      { v: 1, type: 'finished', time: T, status: 'completed', checkpoint: '/r/final', output: null },
    ];
    for (const line of lines) {
      const parsed = parseWorkerLine(JSON.stringify(line));
      expect(parsed.kind).toBe('event');
      if (parsed.kind === 'event') expect(parsed.event.type).toBe(line.type);
    }
  });

  it('keeps stray text and bad events as log entries', () => {
    expect(parseWorkerLine('loading weights...')).toEqual({ kind: 'text', text: 'loading weights...' });
    expect(parseWorkerLine('{"v": 1, "type": "metr')).toMatchObject({ kind: 'text' });
    const wrongVersion = parseWorkerLine(JSON.stringify({ v: 2, type: 'log', time: T, level: 'info', message: 'x' }));
    expect(wrongVersion.kind).toBe('invalid');
    const unknown = parseWorkerLine(JSON.stringify({ v: 1, type: 'telemetry', time: T }));
    expect(unknown.kind).toBe('invalid');
    const badValue = parseWorkerLine(JSON.stringify({ v: 1, type: 'metrics', time: T, step: 1, stage: 's', values: { loss: 'NaN' } }));
    expect(badValue).toMatchObject({ kind: 'invalid' });
    if (badValue.kind === 'invalid') expect(badValue.reason).toContain('values.loss');
  });
});

describe('rollout images', () => {
  it('reads the blob hash from a snapshot image name', () => {
    const sha = 'ab'.repeat(32);
    expect(imageSha256(`/data/runs/r/snap/images/${sha}.png`)).toBe(sha);
    expect(imageSha256('/elsewhere/photo.png')).toBeNull();
    expect(imageSha256(null)).toBeNull();
  });
});

describe('LineSplitter', () => {
  it('holds partial lines and multibyte characters split across chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = new TextEncoder().encode('{"a":"é"}\nsecond ');
    splitter.push(bytes.slice(0, 7)); // cuts the two-byte é in half
    expect(lines).toEqual([]);
    splitter.push(bytes.slice(7));
    expect(lines).toEqual(['{"a":"é"}']);
    splitter.push('line\r\nthird');
    expect(lines).toEqual(['{"a":"é"}', 'second line\r']);
    splitter.end();
    expect(lines).toEqual(['{"a":"é"}', 'second line\r', 'third']);
  });

  it('cuts a runaway line instead of growing without bound', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), 10);
    splitter.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    splitter.end();
    expect(lines[2]).toBe('x'.repeat(5));
  });
});

function findPython(): string | null {
  return workerPython('pydantic');
}

const python = findPython();
describe.skipIf(!python)('events from the worker protocol module', () => {
  it('parses every event the pydantic models write', () => {
    const script = `
import io
from cosmo_rl.protocol import *
buf = io.StringIO()
w = EventWriter(buf)
w.emit(Started(run_id="r", device="cpu", gpu=None, torch="t", transformers="x", trl="y", config_hash="h"))
w.emit(Started(device="cuda", gpu=GpuInfo(name="H100", memory_total_mb=81559), torch="t", transformers="x", trl="y", config_hash="h"))
w.emit(Progress(stage="stage1", step=1, total_steps=3, stage_step=1, stage_total=3, eta_seconds=2.5))
w.emit(Metrics(step=1, stage="stage1", values={"loss": 0.1}))
w.emit(Checkpoint(step=1, stage="stage1", path="/x/checkpoint-1"))
w.emit(Sample(step=1, stage="stage1", rollouts=[Rollout(item_id="a", task="safety", prompt="p", image=None, completion="c",
  rewards=RolloutRewards(format=1.0, visual=None, helpful=0.5, task=None, total=None))]))
w.log("info", "hello")
w.emit(Error(message="boom", traceback="tb", advice=None))
w.emit(Finished(status="cancelled", checkpoint=None))
print(buf.getvalue(), end="")
`;
    const out = execFileSync(python!, ['-c', script], { cwd: WORKER_DIR, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(9);
    const kinds = lines.map((l) => {
      const p = parseWorkerLine(l);
      if (p.kind !== 'event') throw new Error(`not parsed: ${l} (${p.kind === 'invalid' ? p.reason : 'text'})`);
      return p.event.type;
    });
    expect(kinds).toEqual(['started', 'started', 'progress', 'metrics', 'checkpoint', 'sample', 'log', 'error', 'finished']);
  });
});
