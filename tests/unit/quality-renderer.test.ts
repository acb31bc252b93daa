/** The break reminder's rule and the quality dashboard's formatting (pure, no DOM). */
import { describe, expect, it } from 'vitest';
import { breakDue, dismissBreak, IDLE_RESET_MS, noteActivity, NO_STRETCH, stretchMinutes } from '../../renderer/src/composables/breakReminder';
import { durationText, goldAnswerText, rateText, weekPoints } from '../../renderer/src/composables/qualityFormat';
import { parseRoute, formatRoute } from '../../renderer/src/composables/routes';

const MIN = 60_000;

describe('break reminder', () => {
  it('is due after the chosen minutes of continuous labelling, never when off', () => {
    let s = noteActivity(NO_STRETCH, 0);
    for (let t = MIN; t <= 30 * MIN; t += MIN) s = noteActivity(s, t);
    expect(breakDue(s, 30 * MIN, 45)).toBe(false);
    expect(breakDue(s, 30 * MIN, 30)).toBe(true);
    expect(breakDue(s, 30 * MIN, 0)).toBe(false);
    expect(stretchMinutes(s, 30 * MIN)).toBe(30);
  });

  it('a pause longer than the idle limit is a break already: the stretch starts again', () => {
    let s = noteActivity(NO_STRETCH, 0);
    s = noteActivity(s, 20 * MIN);
    expect(breakDue(s, 20 * MIN + IDLE_RESET_MS + 1, 10)).toBe(false);
    s = noteActivity(s, 20 * MIN + IDLE_RESET_MS + 1);
    expect(s.since).toBe(20 * MIN + IDLE_RESET_MS + 1);
    expect(breakDue(s, s.since! + MIN, 10)).toBe(false);
  });

  it('dismissing starts a new stretch', () => {
    let s = dismissBreak(50 * MIN);
    for (let t = 51 * MIN; t <= 60 * MIN; t += MIN) s = noteActivity(s, t);
    expect(breakDue(s, 59 * MIN, 10)).toBe(false);
    expect(breakDue(s, 60 * MIN, 10)).toBe(true);
  });
});

describe('quality formatting', () => {
  it('writes rates with their interval and n, and durations', () => {
    expect(rateText({ value: 0.75, low: 0.3, high: 0.954, n: 4 })).toBe('75% (30%–95%, n=4)');
    expect(rateText({ value: null, low: null, high: null, n: 0 })).toBe('not measured yet');
    expect(durationText(5200)).toBe('5.2 s');
    expect(durationText(90_000)).toBe('1.5 min');
    expect(durationText(null)).toBe('–');
    expect(goldAnswerText({ harmful: true, riskCategory: 'violent_crimes', expected: 'refuse' })).toBe('Harmful: yes · Risk category: Violent crimes · Expected: Refuse');
  });

  it('keeps only weeks that have the measure', () => {
    const weeks = [
      { week: '2026-W48', labels: 3, agreement: 1, agreementN: 6, gold: { value: null, low: null, high: null, n: 0 } },
      { week: '2026-W49', labels: 2, agreement: null, agreementN: 0, gold: { value: 0.5, low: 0.1, high: 0.9, n: 2 } },
    ];
    expect(weekPoints(weeks, 'agreement')).toEqual([{ week: '2026-W48', value: 1, n: 6 }]);
    expect(weekPoints(weeks, 'gold')).toEqual([{ week: '2026-W49', value: 0.5, n: 2 }]);
  });

  it('routes the Quality tab', () => {
    expect(parseRoute('#/p/3/quality')).toEqual({ name: 'project', projectId: 3, tab: 'quality' });
    expect(formatRoute({ name: 'project', projectId: 3, tab: 'quality' })).toBe('#/p/3/quality');
  });
});
