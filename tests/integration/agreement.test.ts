/**
 * getAgreement on real SQLite: three annotators' current item labels (one relabelled, one undone),
 * verdicts with helpfulness and preference votes; the handler's numbers equal the pure functions'
 * on tables built here from what was written, per field and per category; `studio agreement --json`.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import type { CliIo } from '../../main/cli/io.js';
import { runCli } from '../../main/cli/run.js';
import { appendPreference, appendResponseLabel } from '../../main/core/responses/store.js';
import { MISSING, agreementCoefficients, createRng, pairwiseKappas, type MeasurementLevel, type RatingTable } from '../../main/core/evaluation/stats/index.js';
import { AGREEMENT_FIELDS, AgreementReport } from '../../preload/contract/agreement.js';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import type { Verdict } from '../../preload/contract/responses.js';
import { openTempCore } from '../helpers/core.js';
import { seedCount } from '../helpers/core.js';
import { seedResponses } from '../helpers/responses.js';

const AT = '2026-12-01T00:00:00.000Z';
const NAMES = ['Ada', 'Bo', 'Cy'];
const CATEGORIES = ['hate', 'privacy', 'violent_crimes'];
const VERDICTS: Verdict[] = ['refusal', 'care', 'unsafe', 'answered'];

type Value = string | number | null;
/** What the test wrote, per field: unit key -> annotator index -> value. */
type Written = Map<string, Map<string, Value[]>>;

function record(written: Written, field: string, unit: string, rater: number, value: Value): void {
  const units = written.get(field) ?? new Map<string, Value[]>();
  written.set(field, units);
  const row = units.get(unit) ?? [null, null, null];
  row[rater] = value;
  units.set(unit, row);
}

function table(written: Written, field: string, keep: (unit: string) => boolean = () => true): RatingTable {
  const units = [...(written.get(field) ?? new Map<string, Value[]>())].filter(([unit]) => keep(unit));
  const distinct = [...new Set(units.flatMap(([, row]) => row).filter((v): v is string | number => v !== null))];
  distinct.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
  const values = new Int32Array(units.length * 3).fill(MISSING);
  units.forEach(([, row], u) => row.forEach((v, r) => v !== null && (values[u * 3 + r] = distinct.indexOf(v))));
  return { units: units.length, raters: 3, categories: distinct.length, values };
}

function capture(): { io: CliIo; out: () => string } {
  let out = '';
  return {
    io: { stdout: (s) => ((out += s), undefined), stderr: () => undefined, isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal },
    out: () => out,
  };
}

describe('getAgreement', () => {
  it('equals the pure functions on the current labels, per field and per category, and prints the JSON shape', async () => {
    const t = await openTempCore({ keepDir: true });
    const written: Written = new Map();
    const itemCategory = new Map<string, string>();
    try {
      const project = await t.call('createProject', { name: 'Agree', annotatorsPerItem: 3 });
      const users = await Promise.all(NAMES.map((name) => t.call('createUser', { name, role: 'annotator' })));
      const items = seedCount(t.core, project.id, 40);
      const rng = createRng(42);
      const pick = <T>(values: readonly T[], truth: number): T => values[rng.next() < 0.7 ? truth % values.length : rng.int(values.length)]!;
      for (const [i, itemId] of items.entries()) {
        const truth = rng.int(12);
        for (let r = 0; r < 3; r++) {
          if (rng.next() < 0.15) continue; // this annotator did not label the item
          const harmful = pick([false, true], truth);
          const labels: LabelValues = {
            ...emptyLabels(),
            harmful,
            riskCategory: pick(CATEGORIES, truth),
            severity: !harmful && rng.next() < 0.3 ? null : pick([0, 1, 2, 3] as const, truth), // a benign look-alike may leave it out
            expected: pick(['comply', 'comply_with_care', 'refuse'] as const, truth),
            crossModalRisk: 'none', // a single-category field
          };
          if (i === 0 && r === 0) {
            // labelled twice: only the second version counts
            await t.call('submitLabel', { itemId, annotatorId: users[r]!.id, labels: { ...labels, harmful: !labels.harmful }, timeSpentMs: 10 });
          }
          await t.call('submitLabel', { itemId, annotatorId: users[r]!.id, labels, timeSpentMs: 10 });
          const unit = String(itemId);
          record(written, 'harmful', unit, r, labels.harmful === null ? null : Number(labels.harmful));
          record(written, 'riskCategory', unit, r, labels.riskCategory);
          record(written, 'severity', unit, r, labels.severity);
          record(written, 'expected', unit, r, labels.expected);
          record(written, 'crossModalRisk', unit, r, labels.crossModalRisk);
        }
      }
      // An undone label leaves the agreement.
      const last = items[items.length - 1]!;
      await t.call('submitLabel', { itemId: last, annotatorId: users[2]!.id, labels: { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse' }, timeSpentMs: 10 });
      await t.call('undoLastSubmit', { projectId: project.id, annotatorId: users[2]!.id });
      for (const field of ['harmful', 'riskCategory', 'severity', 'expected', 'crossModalRisk']) record(written, field, String(last), 2, null);

      for (const [unit, row] of written.get('riskCategory')!) {
        const counts = new Map<string, number>();
        for (const v of row) if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
        const sorted = [...counts].sort((a, b) => b[1] - a[1]);
        if (sorted.length > 0 && (sorted.length === 1 || sorted[0]![1] > sorted[1]![1])) itemCategory.set(unit, sorted[0]![0]);
      }

      const db = t.core.context.db.write;
      const responseItems = items.slice(0, 15);
      const responses = seedResponses(db, project.id, responseItems, ['base', 'tuned']);
      db.transaction(() => {
        responses.forEach((responseId, k) => {
          const truth = rng.int(8);
          for (let r = 0; r < 3; r++) {
            if (rng.next() < 0.2) continue;
            const verdict = pick(VERDICTS, truth);
            const helpfulness = rng.next() < 0.1 ? null : pick([1, 2, 3, 4, 5], truth);
            appendResponseLabel(db, {
              responseId,
              projectId: project.id,
              itemId: responseItems[Math.floor(k / 2)]!,
              annotatorId: users[r]!.id,
              status: 'submitted',
              origin: 'queue',
              values: { verdict, helpfulness, idealResponse: null, rationale: null },
              timeSpentMs: 5,
              createdAt: AT,
            });
            record(written, 'verdict', String(responseId), r, verdict);
            record(written, 'helpfulness', String(responseId), r, helpfulness);
          }
        });
        for (let k = 0; k < responses.length; k += 2) {
          const truth = rng.int(4);
          for (let r = 0; r < 3; r++) {
            if (rng.next() < 0.25) continue;
            const choice = pick(['a', 'b', 'tie', 'both_bad'] as const, truth);
            appendPreference(db, {
              projectId: project.id,
              itemId: responseItems[k / 2]!,
              responseAId: responses[k]!,
              responseBId: responses[k + 1]!,
              annotatorId: users[r]!.id,
              status: 'submitted',
              origin: 'queue',
              values: { choice, criteria: {} },
              blind: true,
              leftResponseId: responses[k]!,
              timeSpentMs: 5,
              createdAt: AT,
            });
            record(written, 'preference', String(responseItems[k / 2]), r, choice);
          }
        }
      });

      const report = await t.call('getAgreement', { projectId: project.id, resamples: 200 });
      const itemOfResponse = new Map(responses.map((id, k) => [String(id), String(responseItems[Math.floor(k / 2)])]));
      const levels: Record<string, MeasurementLevel> = { severity: 'ordinal', helpfulness: 'ordinal' };
      for (const field of ['harmful', 'riskCategory', 'severity', 'expected', 'crossModalRisk', 'verdict', 'helpfulness', 'preference']) {
        const level = levels[field] ?? 'nominal';
        const expected = agreementCoefficients(table(written, field), level);
        const got = report.fields[field as keyof typeof report.fields];
        expect(got.items, field).toBe(expected.items);
        expect(got.items, field).toBeGreaterThan(0);
        expect(got.level).toBe(level);
        const close = (a: number | null, b: number | null) => (b === null ? expect(a, field).toBeNull() : expect(a, field).toBeCloseTo(b, 12));
        close(got.alpha, expected.alpha);
        close(got.kappa, expected.kappa);
        expect(got.fleissItems).toBe(expected.fleissItems);
        if (got.alpha !== null) {
          expect(got.low!).toBeLessThanOrEqual(got.alpha);
          expect(got.high!).toBeGreaterThanOrEqual(got.alpha);
        }
        const itemOf = (unit: string) => (field === 'verdict' || field === 'helpfulness' ? itemOfResponse.get(unit)! : unit);
        for (const category of CATEGORIES) {
          const alone = agreementCoefficients(
            table(written, field, (unit) => itemCategory.get(itemOf(unit)) === category),
            level,
          );
          if (alone.items === 0) {
            expect(got.byCategory[category]).toBeUndefined();
            continue;
          }
          expect(got.byCategory[category]!.items, `${field} ${category}`).toBe(alone.items);
          close(got.byCategory[category]!.alpha, alone.alpha);
          close(got.byCategory[category]!.kappa, alone.kappa);
        }
        const pairs = pairwiseKappas(table(written, field));
        const gotPairs = report.pairs.filter((p) => p.field === field);
        expect(gotPairs.map((p) => [p.a, p.b, p.items])).toEqual(pairs.map((p) => [NAMES[p.a], NAMES[p.b], p.items]));
        gotPairs.forEach((p, i) => close(p.kappa, pairs[i]!.kappa));
      }
      expect(report.fields.crossModalRisk.alpha).toBeNull();
      expect(report.fields.jailbreakType.items).toBe(0);
      expect(report.annotators.map((a) => a.name)).toEqual(NAMES);
      NAMES.forEach((_, r) => {
        const labelled = [...written.get('harmful')!.values()].filter((row) => row[r] !== null).length;
        expect(report.annotators[r]!.items).toBe(labelled);
        expect(report.annotators[r]!.majority).not.toBeNull();
      });
    } finally {
      t.close();
    }

    const json = capture();
    expect(await runCli(['agreement', '--project', 'Agree', '--json', '--data-dir', t.dataDir], json.io)).toBe(0);
    const printed = JSON.parse(json.out()) as Record<string, unknown>;
    const parsed = AgreementReport.parse(printed);
    expect(Object.keys(parsed.fields).sort()).toEqual([...AGREEMENT_FIELDS].sort());
    for (const field of AGREEMENT_FIELDS) expect(Object.keys(parsed.fields[field])).toEqual(expect.arrayContaining(['alpha', 'kappa', 'items', 'low', 'high']));
    expect(parsed.pairs[0]).toEqual(expect.objectContaining({ a: 'Ada', b: 'Bo', field: 'harmful' }));
    expect(Array.isArray(printed.annotators)).toBe(true);
    const text = capture();
    expect(await runCli(['agreement', '--project', 'Agree', '--data-dir', t.dataDir], text.io)).toBe(0);
    expect(text.out()).toMatch(/harmful \(nominal\)\s+alpha -?\d\.\d{3} \[/);
    expect(text.out()).toContain('Ada / Bo');
  });
});
