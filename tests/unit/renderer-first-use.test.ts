/** The pure pieces behind what a new user trips over (issue 12): picker digits, prefs, toasts, task mix, chart ticks, counts. */
import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import { emptyLabels } from '../../preload/contract/domain';
import { plainCopy } from '../../renderer/src/composables/plain';
import { distinctTickLabels, setMixShare } from '../../renderer/src/components/training/runLogic';
import { inlineCodeParts } from '../../renderer/src/composables/inlineCode';
import { actionForKey, digitChoice, SHORTCUT_SHEET } from '../../renderer/src/composables/labelKeys';
import { labelPrefsKey, parseLabelPrefs } from '../../renderer/src/composables/labelPrefs';
import { parameterCount } from '../../main/core/training/backbone';
import { shuffleRank } from '../../main/core/services/queue-order';

describe('picker digits', () => {
  it('picks at once when no longer number starts with the digits', () => {
    expect(digitChoice('2', 13)).toEqual({ index: 1, final: true });
    expect(digitChoice('9', 13)).toEqual({ index: 8, final: true });
    expect(digitChoice('1', 9)).toEqual({ index: 0, final: true });
  });

  it('waits after "1" when there are ten or more options, and reaches 10 to 13', () => {
    expect(digitChoice('1', 13)).toEqual({ index: 0, final: false });
    expect(digitChoice('10', 13)).toEqual({ index: 9, final: true });
    expect(digitChoice('13', 13)).toEqual({ index: 12, final: true });
    expect(digitChoice('1', 10)).toEqual({ index: 0, final: false });
    expect(digitChoice('10', 10)).toEqual({ index: 9, final: true });
  });

  it('names no option for 0, numbers past the end, or non-digits', () => {
    expect(digitChoice('0', 13)).toBeNull();
    expect(digitChoice('14', 13)).toBeNull();
    expect(digitChoice('05', 13)).toBeNull();
    expect(digitChoice('x', 13)).toBeNull();
    expect(digitChoice('', 13)).toBeNull();
  });

  it('reaches every option of a long list by its number (then Enter when a longer number could follow)', () => {
    for (const count of [1, 9, 10, 13, 25, 99]) {
      for (let n = 1; n <= count; n += 1) {
        const digits = String(n);
        expect(digitChoice(digits, count)?.index).toBe(n - 1);
        // A prefix of a longer number waits rather than picking something else.
        if (digits.length === 2) expect(digitChoice(digits[0]!, count)?.final).toBe(false);
        expect(digitChoice(digits, count)?.final).toBe(n * 10 > count);
      }
    }
  });
});

describe('plain copies of reactive labels', () => {
  it('copies labels rebuilt by spreading reactive state (a proxied visualCues inside), as skip and a tab switch do', () => {
    const labels = ref({ ...emptyLabels(), visualCues: ['numbered list'] });
    labels.value = { ...labels.value, rationale: 'spread keeps the proxied array' };
    const copy = plainCopy(labels.value);
    expect(copy).toEqual({ ...emptyLabels(), visualCues: ['numbered list'], rationale: 'spread keeps the proxied array' });
    copy.visualCues.push('changed');
    expect(labels.value.visualCues).toEqual(['numbered list']);
  });
});

describe('labelling preferences', () => {
  it('are stored per annotator and fall back to the defaults field by field', () => {
    expect(labelPrefsKey(3)).not.toBe(labelPrefsKey(4));
    expect(parseLabelPrefs(null)).toEqual({ shuffle: false, hideHints: false });
    expect(parseLabelPrefs('not json')).toEqual({ shuffle: false, hideHints: false });
    expect(parseLabelPrefs('{"shuffle":true,"hideHints":"yes"}')).toEqual({ shuffle: true, hideHints: false });
    expect(parseLabelPrefs(JSON.stringify({ shuffle: false, hideHints: true }))).toEqual({ shuffle: false, hideHints: true });
  });

  it('D toggles the dataset hints, listed once on the shortcut sheet', () => {
    expect(actionForKey({ key: 'd', ctrlKey: false, metaKey: false, altKey: false }, false)).toEqual({ type: 'hints' });
    expect(actionForKey({ key: 'd', ctrlKey: false, metaKey: false, altKey: false }, true)).toBeNull();
    expect(SHORTCUT_SHEET.flatMap((g) => g.keys).filter((k) => k.keys.join() === 'D')).toHaveLength(1);
  });
});

describe('shuffled order', () => {
  it('is a different order per annotator, not import order, over every item', () => {
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    const order = (annotator: number) => [...ids].sort((a, b) => Number(shuffleRank(a, annotator) - shuffleRank(b, annotator)) || a - b);
    const ada = order(1);
    expect(new Set(ada).size).toBe(200);
    expect(ada).not.toEqual(ids);
    expect(order(2)).not.toEqual(ada);
    // Neighbours in import order rarely stay neighbours.
    const adjacent = ada.slice(1).filter((id, i) => Math.abs(id - ada[i]!) === 1).length;
    expect(adjacent).toBeLessThan(20);
  });
});

describe('toast text', () => {
  it('shows backticked commands as code and leaves an unpaired backtick as typed', () => {
    expect(inlineCodeParts('Is `studio serve` still running?')).toEqual([
      { text: 'Is ', code: false },
      { text: 'studio serve', code: true },
      { text: ' still running?', code: false },
    ]);
    expect(inlineCodeParts('no code here')).toEqual([{ text: 'no code here', code: false }]);
    expect(inlineCodeParts('one ` only')).toEqual([{ text: 'one ` only', code: false }]);
  });
});

describe('task mix shares', () => {
  it('sets one task to the share its slider shows and keeps the others in proportion', () => {
    const next = setMixShare({ safety: 0.1 }, 'safety', 0.4);
    expect(next).toEqual({ safety: 1 }); // alone, it is the whole stage
    const mix = setMixShare({ safety: 0.3, jailbreak: 0.1, value: 0.1 }, 'safety', 0.5);
    expect(mix).toEqual({ safety: 0.5, jailbreak: 0.25, value: 0.25 });
    const total = Object.values(mix).reduce((a, b) => a + (b ?? 0), 0);
    expect(total).toBeCloseTo(1, 6);
    expect((mix.safety ?? 0) / total).toBeCloseTo(0.5, 6);
  });

  it('gives a zero-weight neighbour nothing and clamps the share', () => {
    expect(setMixShare({ safety: 0.2, value: 0 }, 'safety', 0.5)).toEqual({ safety: 0.5, value: 0 });
    expect(setMixShare({ safety: 0.2, value: 0.2 }, 'safety', 1.7)).toEqual({ safety: 1, value: 0 });
  });
});

describe('chart ticks and counts', () => {
  it('leaves a tick blank when its label repeats the one before', () => {
    expect(distinctTickLabels([0, 0.2, 0.4, 0.6, 0.8, 1], 'tokens')).toEqual(['0', '', '', '1', '', '']);
    expect(distinctTickLabels([0, 0.5, 1], 'percent')).toEqual(['0%', '50.0%', '100%']);
  });

  it('writes parameter counts under a million in K, not as 0.000B', () => {
    expect(parameterCount(450_123)).toBe('450K');
    expect(parameterCount(72_300_000)).toBe('72.3M');
    expect(parameterCount(7_615_616_512)).toBe('7.6B');
    expect(parameterCount(812)).toBe('812');
  });
});
