/**
 * Probes during training (run config `probe`, worker side in native-models/cosmo_rl/probes.py).
 *
 * - `freezeProbeSample` writes the probe prompts into the run folder (`runs/<dir>/probe/`:
 *   items.jsonl in the evaluation set's format, the images they use, manifest.json naming the set
 *   and its hash), so the worker needs no database and the run can be reproduced from its folder.
 *   The sample is seeded by the run's seed and the same for every probe: prompts labelled harmful
 *   and benign alternate (prompts of unknown status measure no rate and are left out), each kind
 *   in a seeded order, `max_prompts` in all. A set that shares an item with the run's training
 *   snapshot is refused: a probe must measure prompts the policy never trained on.
 * - Probe events are stored as `run_event` rows of type `probe` (no table of their own: a probe is
 *   an event of the run like a sample); `probeSeries` reads them back with Wilson 95% intervals.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProbePoint, ProbeRate } from '../../../preload/contract/probes.js';
import type { ProbeSettings } from '../../../preload/contract/run-config.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { createRng } from '../evaluation/stats/rng.js';
import { wilson } from '../evaluation/stats/wilson.js';
import { mkdirPrivateSync, writePrivateFileSync } from '../private-files.js';
import type { WorkerEventOf } from './worker-events.js';

export const PROBE_FOLDER = 'probe';

interface SetRow {
  id: number;
  project_id: number;
  name: string;
  path: string;
  hash: string;
}

interface SetLine {
  id: string;
  harmful: boolean | null;
  messages: { content: unknown }[];
}

export function requireProbeSet(ctx: CoreContext, projectId: number, setId: number): SetRow {
  const row = ctx.db.read.prepare<SetRow>('SELECT id, project_id, name, path, hash FROM evaluation_set WHERE id = ?').get(setId);
  if (!row) throw new StudioError('not_found', `probe.evaluation_set_id: there is no evaluation set ${setId}.`);
  if (row.project_id !== projectId) {
    throw new StudioError('invalid_input', `probe.evaluation_set_id: evaluation set "${row.name}" belongs to another project; pick one of this project's sets.`);
  }
  return row;
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
}

/** External ids of the items the snapshot trains on (train split, or no split given). */
function trainingIds(snapshotDir: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readLines(join(snapshotDir, 'items.jsonl'))) {
    const row = JSON.parse(line) as { id?: unknown; split?: unknown };
    if (typeof row.id === 'string' && (row.split === undefined || row.split === 'train')) ids.add(row.id);
  }
  return ids;
}

/** Fisher-Yates with the studio's seeded generator: the same seed gives the same order everywhere. */
function seededOrder<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  const rng = createRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Harmful and benign alternate so that even a small sample measures both rates. */
export function probeSample(lines: readonly string[], maxPrompts: number, seed: number): string[] {
  const parsed = lines.map((text) => ({ text, row: JSON.parse(text) as SetLine }));
  const harmful = seededOrder(
    parsed.filter((p) => p.row.harmful === true),
    seed,
  );
  const benign = seededOrder(
    parsed.filter((p) => p.row.harmful === false),
    seed + 1,
  );
  const out: string[] = [];
  for (let i = 0; out.length < maxPrompts && (i < harmful.length || i < benign.length); i++) {
    if (i < harmful.length) out.push(harmful[i]!.text);
    if (i < benign.length && out.length < maxPrompts) out.push(benign[i]!.text);
  }
  return out;
}

function imagePaths(line: string): string[] {
  const row = JSON.parse(line) as SetLine;
  const paths: string[] = [];
  for (const message of row.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as { type?: unknown; path?: unknown }[]) {
      if (part.type === 'image' && typeof part.path === 'string') paths.push(part.path);
    }
  }
  return paths;
}

/**
 * Writes the probe sample into `<runDir>/probe/` and returns that folder. Refuses a set that
 * overlaps the training snapshot, or one without prompts labelled harmful or benign.
 */
export function freezeProbeSample(ctx: CoreContext, projectId: number, probe: ProbeSettings, seed: number, runDir: string, snapshotDir: string): string {
  const set = requireProbeSet(ctx, projectId, probe.evaluation_set_id);
  const setItems = join(set.path, 'items.jsonl');
  if (!existsSync(setItems)) {
    throw new StudioError('conflict', `probe.evaluation_set_id: the files of evaluation set "${set.name}" are missing (${set.path}); restore the folder or pick another set.`);
  }
  const lines = readLines(setItems);
  const trained = trainingIds(snapshotDir);
  const shared = lines.map((l) => (JSON.parse(l) as SetLine).id).filter((id) => trained.has(id));
  if (shared.length > 0) {
    throw new StudioError(
      'invalid_input',
      `probe.evaluation_set_id: evaluation set "${set.name}" shares ${shared.length} item(s) with this run's training snapshot (${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ', ...' : ''}); a probe must measure prompts the run does not train on. Freeze a new evaluation set after the split, or pick another.`,
      [{ file: 'run', line: null, field: 'probe.evaluation_set_id', message: `shares ${shared.length} item(s) with the training snapshot` }],
    );
  }
  const sample = probeSample(lines, probe.max_prompts, seed);
  if (sample.length === 0) {
    throw new StudioError('invalid_input', `probe.evaluation_set_id: evaluation set "${set.name}" has no prompt labelled harmful or benign, so a probe would measure nothing.`);
  }
  const folder = join(runDir, PROBE_FOLDER);
  mkdirPrivateSync(join(folder, 'images'));
  for (const line of sample) {
    for (const rel of imagePaths(line)) copyFileSync(join(set.path, rel), join(folder, 'images', basename(rel)));
  }
  writePrivateFileSync(join(folder, 'items.jsonl'), sample.map((l) => `${l}\n`).join(''));
  const manifest = { kind: 'probe_sample', evaluation_set: { id: set.id, name: set.name, hash: set.hash, path: set.path }, seed, prompts: sample.length, of: lines.length };
  writePrivateFileSync(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  ctx.log.info('probe sample frozen', { run: basename(runDir), set: set.id, prompts: sample.length });
  return folder;
}

function probeRate(count: number, n: number): ProbeRate {
  const e = wilson(count, n);
  return { count, n, value: e.value, low: e.low, high: e.high };
}

export function toProbePoint(e: WorkerEventOf<'probe'>): ProbePoint {
  return {
    step: e.step,
    stage: e.stage,
    time: e.time,
    baseline: e.baseline,
    prompts: e.prompts,
    unsafe: probeRate(e.unsafe, e.harmful),
    overRefusal: probeRate(e.over_refused, e.benign),
    care: probeRate(e.care, e.harmful),
    seconds: e.seconds,
    stopReason: e.stop_reason,
  };
}

/** One point per step in step order; a resumed run that probed a step again keeps the later probe. */
export function probeSeries(events: readonly WorkerEventOf<'probe'>[]): ProbePoint[] {
  const byStep = new Map<number, ProbePoint>();
  for (const e of events) byStep.set(e.step, toProbePoint(e));
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
