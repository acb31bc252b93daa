/**
 * `studio verifier train --project NAME [--name N] [--seed S] [--json]`: trains a learned verifier
 * on the project's people's verdicts and prints its card (figures on held-out items against
 * people, the rules tier beside them). `studio verifier list --project NAME` lists them.
 */
import { StudioError } from '../../../preload/contract/errors.js';
import type { LearnedVerifier, VerifierAgreement, VerifierJob } from '../../../preload/contract/verifiers.js';
import { callMethod } from '../../server/dispatch.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { progressBar } from '../progress.js';
import { requireProjectByName } from './projects.js';

function figures(label: string, a: VerifierAgreement): string {
  return `  ${label.padEnd(8)} accuracy ${a.accuracy.toFixed(3)}  binary ${a.binary_accuracy.toFixed(3)}  kappa ${a.kappa?.toFixed(3) ?? 'n/a'}  (n=${a.n})\n`;
}

export function formatVerifier(v: LearnedVerifier): string {
  const c = v.card;
  const skipped = Object.entries(c.skipped).map(([why, n]) => `${n} ${why.replaceAll('_', ' ')}`);
  let text = `Verifier "${v.name}" (id ${v.id}), ${v.path}\n`;
  text += `  snapshot ${v.snapshotHash.slice(0, 12)}, seed ${c.seed}; labels ${c.labels.join(', ')}\n`;
  text += `  ${c.n.train} responses of ${c.n.train_items} items trained on, ${c.n.held_out} of ${c.n.held_out_items} held out`;
  text += skipped.length ? `; left out: ${skipped.join(', ')}\n` : '\n';
  text += 'Held out, against people:\n';
  text += figures('learned', c.held_out);
  text += figures('rules', c.rules_held_out);
  return text;
}

async function waitFor(io: CliIo, call: () => Promise<VerifierJob>): Promise<VerifierJob> {
  const bar = progressBar(io);
  try {
    for (;;) {
      const job = await call();
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      bar.update('training', job.done, job.total || null);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    bar.finish();
  }
}

export async function verifierTrainCommand(io: CliIo, options: { project: string; name?: string; seed?: string; json?: boolean; dataDir?: string }): Promise<number> {
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new StudioError('invalid_input', `--seed must be a whole number >= 0 (got "${options.seed}")`);
  return withCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const started = await callMethod(core.handlers, 'trainVerifier', { projectId: project.id, ...(options.name ? { name: options.name } : {}), ...(seed !== undefined ? { seed } : {}) });
    const job = await waitFor(io, () => callMethod(core.handlers, 'getVerifierJob', { jobId: started.jobId }));
    if (job.status === 'failed' || !job.verifier) throw new StudioError('internal', job.error ?? 'training the verifier failed');
    io.stdout(options.json ? `${JSON.stringify(job.verifier, null, 2)}\n` : formatVerifier(job.verifier));
    return 0;
  });
}

export async function verifierListCommand(io: CliIo, options: { project: string; json?: boolean; dataDir?: string }): Promise<number> {
  return withCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const verifiers = await callMethod(core.handlers, 'listVerifiers', { projectId: project.id });
    if (options.json) io.stdout(`${JSON.stringify(verifiers, null, 2)}\n`);
    else io.stdout(verifiers.length ? verifiers.map(formatVerifier).join('\n') : `Project "${project.name}" has no learned verifiers yet (studio verifier train --project ...)\n`);
    return 0;
  });
}
