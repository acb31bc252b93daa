/**
 * `studio eval --project NAME --models A,B,... [--set NAME] [--samples K] [--temperature T]
 * [--max-tokens N] [--seed S] [--system-prompt training|none]`: models answer an evaluation set's
 * prompts through the same evaluation jobs as the Compare tab, printing progress until they end;
 * Ctrl-C cancels (what was generated stays; `--resume ID` continues an evaluation).
 *
 * Models are named as `studio runs --models` lists them: a model id, or a name that only one model
 * has. Without --set the project's newest evaluation set is used, and when it has none one is
 * frozen from its eval / held-out items.
 */
import type { Evaluation } from '../../../preload/contract/evaluation.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ModelInfo } from '../../../preload/contract/training.js';
import type { StudioCore } from '../../core/studio.js';
import { callMethod } from '../../server/dispatch.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

export interface EvalOptions {
  project: string;
  models?: string;
  set?: string;
  samples?: string;
  temperature?: string;
  maxTokens?: string;
  seed?: string;
  systemPrompt?: string;
  resume?: string;
  dataDir?: string;
}

const ENDED = new Set(['completed', 'cancelled', 'failed', 'interrupted']);

function number(value: string | undefined, flag: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new StudioError('invalid_input', `${flag} must be ${integer ? 'a whole number' : 'a number'} (got "${value}")`);
  return n;
}

async function resolveModels(core: StudioCore, spec: string): Promise<ModelInfo[]> {
  const all = await callMethod(core.handlers, 'listModels', {});
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const byId = /^\d+$/.test(name) ? all.find((m) => m.id === Number(name)) : undefined;
      const byName = all.filter((m) => m.name === name);
      if (byId) return byId;
      if (byName.length === 1) return byName[0]!;
      if (byName.length > 1)
        throw new StudioError('invalid_input', `${byName.length} models are named "${name}": use an id (${byName.map((m) => m.id).join(', ')}); \`studio runs --models\` lists them`);
      throw new StudioError('not_found', `no model "${name}"; \`studio runs --models\` lists the models and their ids`);
    });
}

async function resolveSet(core: StudioCore, projectId: number, name: string | undefined, io: CliIo): Promise<number> {
  const sets = await callMethod(core.handlers, 'listEvalSets', { projectId });
  if (name !== undefined) {
    const set = sets.find((s) => s.name === name);
    if (!set) throw new StudioError('not_found', `no evaluation set "${name}" (sets: ${sets.map((s) => s.name).join(', ') || 'none'})`);
    return set.id;
  }
  const newest = sets[sets.length - 1];
  if (newest) return newest.id;
  const frozen = await callMethod(core.handlers, 'freezeEvalSet', { projectId, name: `eval-${new Date().toISOString().slice(0, 10)}` });
  io.stderr(`froze evaluation set "${frozen.name}": ${frozen.items} items (hash ${frozen.hash.slice(0, 12)})\n`);
  return frozen.id;
}

export async function evalCommand(io: CliIo, opts: EvalOptions): Promise<number> {
  return withCore(io, opts.dataDir, async (core) => {
    const project = await requireProjectByName(core, opts.project);
    let evaluationId: number | null = null;
    const ended = new Promise<Evaluation>((resolve) => {
      core.events.subscribe((event) => {
        if (event.type !== 'evaluation.changed' || event.evaluation.id !== evaluationId) return;
        const e = event.evaluation;
        if (e.status === 'running' && e.total > 0) {
          const eta = e.etaSeconds === null ? '' : ` eta ${Math.round(e.etaSeconds)}s`;
          io.stderr(`generated ${e.done}/${e.total}${eta}\n`);
        }
        if (ENDED.has(e.status)) resolve(e);
      });
    });
    let started: Evaluation;
    if (opts.resume !== undefined) {
      started = await callMethod(core.handlers, 'resumeEvaluation', { evaluationId: number(opts.resume, '--resume', 0, true) });
    } else {
      if (!opts.models) throw new StudioError('invalid_input', '--models is required (a comma-separated list of model ids or names; `studio runs --models` lists them)');
      const models = await resolveModels(core, opts.models);
      const setId = await resolveSet(core, project.id, opts.set, io);
      started = await callMethod(core.handlers, 'startEvaluation', {
        projectId: project.id,
        setId,
        modelIds: models.map((m) => m.id),
        settings: {
          samples: number(opts.samples, '--samples', 1, true),
          temperature: number(opts.temperature, '--temperature', 0.7, false),
          maxNewTokens: number(opts.maxTokens, '--max-tokens', 256, true),
          topP: 0.95,
          seed: number(opts.seed, '--seed', 0, true),
          systemPrompt: opts.systemPrompt === 'none' ? 'none' : 'training',
        },
      });
    }
    evaluationId = started.id;
    io.stderr(`evaluation ${started.id} (${started.status}): ${started.name}\n`);
    const onStop = () => void callMethod(core.handlers, 'cancelEvaluation', { evaluationId: started.id }).catch(() => undefined);
    io.stop.addEventListener('abort', onStop);
    const now = await callMethod(core.handlers, 'getEvaluation', { evaluationId: started.id });
    const final = ENDED.has(now.status) ? now : await ended;
    io.stop.removeEventListener('abort', onStop);
    io.stderr(`evaluation ${final.id} ${final.status}: ${final.responses} responses stored${final.error ? `; ${final.error}` : ''}\n`);
    if (final.status === 'completed') io.stdout(`${final.responses} responses; compare them with: studio compare --project ${JSON.stringify(project.name)} --verifier rules\n`);
    return final.status === 'completed' ? 0 : 1;
  });
}
