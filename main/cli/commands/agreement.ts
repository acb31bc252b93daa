/** `studio agreement --project NAME [--json]`: how much the annotators agree, field by field (getAgreement). */
import type { AgreementEstimate, AgreementReport } from '../../../preload/contract/agreement.js';
import { callMethod } from '../../server/dispatch.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

const num = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
const range = (low: number | null, high: number | null) => (low === null || high === null ? '' : ` [${num(low)}, ${num(high)}]`);

function line(label: string, e: AgreementEstimate, indent: string): string {
  return `${indent}${label.padEnd(28 - indent.length)} alpha ${num(e.alpha)}${range(e.low, e.high)}  Fleiss ${num(e.kappa)}${range(e.kappaLow, e.kappaHigh)}  n ${e.items}\n`;
}

export function formatAgreement(name: string, report: AgreementReport): string {
  let text = `Agreement in project "${name}" (bootstrap 95% intervals, ${report.resamples} resamples)\n`;
  for (const [field, e] of Object.entries(report.fields)) {
    if (e.items === 0) {
      text += `  ${field.padEnd(26)} no unit labelled by two or more people\n`;
      continue;
    }
    text += line(`${field} (${e.level})`, e, '  ');
    for (const [category, c] of Object.entries(e.byCategory)) text += line(category, c, '      ');
  }
  if (report.pairs.length > 0) {
    text += "Cohen's kappa per pair:\n";
    for (const p of report.pairs) text += `  ${`${p.a} / ${p.b}`.padEnd(30)} ${p.field.padEnd(16)} ${num(p.kappa)}${range(p.low, p.high)}  n ${p.items}\n`;
  }
  if (report.annotators.length > 0) {
    text += 'Annotators (agreement with the others\u2019 majority):\n';
    for (const a of report.annotators) {
      const share = a.majority === null ? 'n/a' : `${(100 * a.majority).toFixed(1)}%`;
      text += `  ${a.name.padEnd(24)} items ${a.items}, verdicts ${a.verdicts}, votes ${a.votes}, majority ${share} of ${a.majorityCompared}\n`;
    }
  }
  return text;
}

export async function agreementCommand(io: CliIo, options: { project: string; dataDir?: string; json?: boolean }): Promise<number> {
  return withCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const report = await callMethod(core.handlers, 'getAgreement', { projectId: project.id });
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatAgreement(project.name, report));
    return 0;
  });
}
