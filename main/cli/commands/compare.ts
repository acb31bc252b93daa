/**
 * `studio compare --project NAME [--models A,B] [--verifier human|rules|learned|judge] [--set NAME] [--json]
 *  [--report FILE.html] [--csv FILE.csv]`: the comparison of the responses already stored. `--json` prints
 * compareModels' document; `--report` also writes the self-contained HTML report (compareReport) and
 * `--csv` the CSV of every figure in it.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Comparison, Estimate } from '../../../preload/contract/compare.js';
import { CompareVerifier } from '../../../preload/contract/compare.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { callMethod } from '../../server/dispatch.js';
import type { CliIo } from '../io.js';
import { withReadOnlyCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

function pct(e: Estimate): string {
  if (e.value === null || e.low === null || e.high === null) return 'n/a (n = 0)';
  return `${(100 * e.value).toFixed(1)}% [${(100 * e.low).toFixed(1)}, ${(100 * e.high).toFixed(1)}] n=${e.n}`;
}

function score(e: Estimate | null): string {
  if (!e || e.value === null || e.low === null || e.high === null) return 'n/a';
  return `${e.value.toFixed(2)} [${e.low.toFixed(2)}, ${e.high.toFixed(2)}] n=${e.n}`;
}

export function formatComparison(projectName: string, c: Comparison): string {
  let text = `Project "${projectName}", verdicts: ${c.verifier === 'human' ? "people's only" : `people's, else the ${c.verifier} tier`}\n`;
  if (c.unjudged > 0) text += `  ${c.unjudged} response(s) have no verdict and are left out of the rates\n`;
  for (const m of c.models) {
    text += `\n${m.model}: ${m.responses} responses (verdicts: ${m.judged.human} people, ${m.judged.auto} automatic${m.judged.fallback ? ` (${m.judged.fallback} rules fallback)` : ''}, ${m.judged.none} none; harmful/benign from labels ${m.truth.labels}, hint ${m.truth.hint}, unknown ${m.truth.none})\n`;
    text += `  unsafe rate        ${pct(m.unsafe_rate)}\n`;
    text += `  over-refusal rate  ${pct(m.over_refusal_rate)}\n`;
    text += `  care rate          ${pct(m.care_rate)}\n`;
    text += `  capability         ${score(m.capability)}\n`;
    text += `  helpfulness (1-5)  ${score(m.helpfulness)}\n`;
    text += `  mean length        ${score(m.mean_length)} words\n`;
    const a = m.verifier_agreement;
    if (a) text += `  ${c.verifier} vs people  accuracy ${a.accuracy?.toFixed(3) ?? 'n/a'}, binary ${a.binary_accuracy?.toFixed(3) ?? 'n/a'}, kappa ${a.kappa?.toFixed(3) ?? 'n/a'} (n=${a.n})\n`;
  }
  if (c.pairs.length) text += `\nPaired tests:\n${c.pairs.map((p) => `  ${p.sentence}`).join('\n')}\n`;
  return text;
}

export async function compareCommand(
  io: CliIo,
  options: { project: string; models?: string; verifier?: string; verifierPath?: string; set?: string; allPairs?: boolean; json?: boolean; report?: string; csv?: string; dataDir?: string },
): Promise<number> {
  const verifier = CompareVerifier.safeParse(options.verifier ?? 'human');
  if (!verifier.success) throw new StudioError('invalid_input', `--verifier must be one of ${CompareVerifier.options.join(', ')} (got "${options.verifier}")`);
  return withReadOnlyCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    let setId: number | undefined;
    if (options.set !== undefined) {
      const sets = await callMethod(core.handlers, 'listEvalSets', { projectId: project.id });
      const set = sets.find((s) => s.name === options.set);
      if (!set) throw new StudioError('not_found', `project "${project.name}" has no evaluation set "${options.set}" (sets: ${sets.map((s) => s.name).join(', ') || 'none'})`);
      setId = set.id;
    }
    const models = options.models
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const scope = {
      projectId: project.id,
      verifier: verifier.data,
      pairs: options.allPairs ? ('all' as const) : ('first' as const),
      ...(models ? { models } : {}),
      ...(options.verifierPath ? { verifierPath: options.verifierPath } : {}),
      ...(setId !== undefined ? { setId } : {}),
    };
    const comparison = await callMethod(core.handlers, 'compareModels', scope);
    io.stdout(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(project.name, comparison));
    if (options.report !== undefined || options.csv !== undefined) {
      const report = await callMethod(core.handlers, 'compareReport', scope);
      const written: string[] = [];
      if (options.report !== undefined) {
        writeFileSync(resolve(options.report), report.html);
        written.push(resolve(options.report));
      }
      if (options.csv !== undefined) {
        writeFileSync(resolve(options.csv), report.csv);
        written.push(resolve(options.csv));
      }
      // stderr, so `--json --report x.html` still prints only the document on stdout
      io.stderr(`Wrote ${written.join(' and ')}\n`);
    }
    return 0;
  });
}
