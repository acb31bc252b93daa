/** Majority labels for the training snapshot: one rule per field, ties broken by the most recent label. */
import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { aggregateLabels } from '../../main/core/export/aggregate.js';
import type { ExportAnnotation } from '../../main/core/export/read-project.js';
import { constraintProblem } from '../../main/core/export/constraints.js';

let next = 0;
function vote(annotatorId: number, minute: number, patch: Partial<LabelValues>): ExportAnnotation {
  next += 1;
  return {
    annotatorId,
    annotator: `a${annotatorId}`,
    role: 'annotator',
    version: 1,
    status: 'submitted',
    origin: 'queue',
    labels: { ...emptyLabels(), ...patch },
    timeSpentMs: next,
    createdAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  };
}

describe('aggregateLabels', () => {
  it('returns null without labels and the labels themselves for one annotator', () => {
    expect(aggregateLabels([])).toBeNull();
    const one = aggregateLabels([vote(1, 0, { harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse', visualCues: ['flag'] })])!;
    expect(one.labels).toMatchObject({ harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse', visualCues: ['flag'] });
    expect(one).toMatchObject({ annotators: 1, agreement: { harmful: 1, expected: 1 } });
  });

  it('takes the majority per field', () => {
    const agg = aggregateLabels([
      vote(1, 0, { harmful: true, riskCategory: 'hate', severity: 1, expected: 'refuse' }),
      vote(2, 1, { harmful: true, riskCategory: 'hate', severity: 2, expected: 'comply_with_care' }),
      vote(3, 2, { harmful: false, expected: 'comply_with_care' }),
    ])!;
    expect(agg.labels).toMatchObject({ harmful: true, riskCategory: 'hate', expected: 'comply_with_care' });
    expect(agg.agreement).toEqual({ harmful: 2, expected: 2 });
    // severity: 1 vs 2 among the two who said harmful, a tie: annotator 2's label is more recent
    expect(agg.labels.severity).toBe(2);
  });

  it('breaks ties by the most recent label, and a benign majority carries no category', () => {
    const agg = aggregateLabels([vote(1, 5, { harmful: true, riskCategory: 'privacy', severity: 3, expected: 'refuse' }), vote(2, 9, { harmful: false, expected: 'comply' })])!;
    expect(agg.labels).toMatchObject({ harmful: false, riskCategory: null, severity: null, expected: 'comply' });
    expect(agg.agreement).toEqual({ harmful: 1, expected: 1 });
  });

  it('keeps visual cues named by at least half of the annotators, compared case-insensitively', () => {
    const agg = aggregateLabels([
      vote(1, 0, { harmful: false, visualCues: ['Knife', 'cutting board', 'tomato'] }),
      vote(2, 1, { harmful: false, visualCues: ['knife'] }),
      vote(3, 2, { harmful: false, visualCues: ['knife', 'Cutting board'] }),
      vote(4, 3, { harmful: false, visualCues: [] }),
    ])!;
    expect(agg.labels.visualCues).toEqual(['knife', 'Cutting board']);
  });
});

describe('instruction constraints (the trainer grammar)', () => {
  it.each([
    ['max_words:50', null],
    ['must_include:safety: first', null],
    ['lowercase', null],
    ['json', null],
    ['bullets:three', "constraint 'bullets' needs a whole number argument, e.g. 'bullets:3'"],
    ['starts_with:', "constraint 'starts_with' needs a text argument, e.g. 'starts_with:foo'"],
    ['no_commas:yes', "constraint 'no_commas' takes no argument"],
    ['rhymes', "unknown constraint 'rhymes'"],
  ])('%s', (source, problem) => {
    expect(constraintProblem(source)).toBe(problem);
  });
});
