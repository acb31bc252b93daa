import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../preload/contract/responses';
import { SHORTCUT_SHEET } from '../../renderer/src/composables/labelKeys';
import { JUDGE_SHORTCUT_SHEET, VERDICT_INFO, draftProblems, draftValues, emptyDraft, judgeActionForKey, toggledHelpfulness } from '../../renderer/src/composables/judgeKeys';
import { formatRoute, parseRoute } from '../../renderer/src/composables/routes';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('judging keyboard map', () => {
  it('puts the six verdicts on 1-6 in the contract order', () => {
    expect(VERDICT_INFO.map((info) => [info.key, info.value])).toEqual(VERDICTS.map((v, i) => [String(i + 1), v]));
    expect(judgeActionForKey(key('1'), false)).toEqual({ type: 'verdict', value: 'refusal' });
    expect(judgeActionForKey(key('2'), false)).toEqual({ type: 'verdict', value: 'care' });
    expect(judgeActionForKey(key('3'), false)).toEqual({ type: 'verdict', value: 'unsafe' });
    expect(judgeActionForKey(key('4'), false)).toEqual({ type: 'verdict', value: 'answered' });
    expect(judgeActionForKey(key('5'), false)).toEqual({ type: 'verdict', value: 'unnecessary_refusal' });
    expect(judgeActionForKey(key('6'), false)).toEqual({ type: 'verdict', value: 'illogical' });
    expect(judgeActionForKey(key('7'), false)).toBeNull();
    expect(judgeActionForKey(key('0'), false)).toBeNull();
  });

  it('puts helpfulness 1-5 on Q W E R T (either case) and the rest on their letters', () => {
    expect(['q', 'w', 'e', 'r', 't'].map((k) => judgeActionForKey(key(k), false))).toEqual([1, 2, 3, 4, 5].map((value) => ({ type: 'helpfulness', value })));
    expect(judgeActionForKey(key('T'), false)).toEqual({ type: 'helpfulness', value: 5 });
    expect(judgeActionForKey(key('y'), false)).toEqual({ type: 'focus', field: 'rationale' });
    expect(judgeActionForKey(key('i'), false)).toEqual({ type: 'focus', field: 'idealResponse' });
    expect(judgeActionForKey(key('Enter'), false)).toEqual({ type: 'submit' });
    expect(judgeActionForKey(key('Backspace'), false)).toEqual({ type: 'undo' });
    expect(judgeActionForKey(key('s'), false)).toEqual({ type: 'skip' });
    expect(judgeActionForKey(key('f'), false)).toEqual({ type: 'flag' });
    expect(judgeActionForKey(key('?'), false)).toEqual({ type: 'help' });
    expect(judgeActionForKey(key('g'), false)).toEqual({ type: 'guidelines' });
    expect(judgeActionForKey(key('b'), false)).toEqual({ type: 'reveal' });
    expect(judgeActionForKey(key('+'), false)).toEqual({ type: 'zoom', step: 'in' });
    expect(judgeActionForKey(key('z'), false)).toEqual({ type: 'zoom', step: 'reset' });
    expect(judgeActionForKey(key('h'), false)).toBeNull();
  });

  it('leaves typing alone in text fields except Escape and Ctrl+Enter, and ignores browser shortcuts', () => {
    for (const k of ['1', 'q', 's', 'Backspace', 'Enter', '?']) expect(judgeActionForKey(key(k), true)).toBeNull();
    expect(judgeActionForKey(key('Escape'), true)).toEqual({ type: 'blur' });
    expect(judgeActionForKey(key('Enter', { ctrlKey: true }), true)).toEqual({ type: 'submit' });
    expect(judgeActionForKey(key('Enter', { metaKey: true }), true)).toEqual({ type: 'submit' });
    expect(judgeActionForKey(key('r', { ctrlKey: true }), false)).toBeNull();
    expect(judgeActionForKey(key('1', { altKey: true }), false)).toBeNull();
  });

  it('lists every key once on the sheet, and every key on the sheet does what it says', () => {
    const single = JUDGE_SHORTCUT_SHEET.flatMap((group) => group.keys).flatMap((entry) => (entry.keys.includes('Ctrl') ? [] : entry.keys));
    expect(new Set(single).size).toBe(single.length);
    for (const k of single) {
      const pressed = k === 'Esc' ? 'Escape' : k === '−' ? '-' : k;
      expect(judgeActionForKey(key(pressed), pressed === 'Escape'), `key ${k}`).not.toBeNull();
    }
    // The labelling sheet is unchanged by the judging one.
    expect(SHORTCUT_SHEET[0]!.title).toBe('Label');
  });

  it('says what is missing and turns a complete draft into values, blank text as null', () => {
    expect(draftProblems(emptyDraft()).map((p) => p.field)).toEqual(['verdict', 'helpfulness']);
    expect(draftValues(emptyDraft())).toBeNull();
    expect(draftProblems({ ...emptyDraft(), verdict: 'unsafe' })).toEqual([{ field: 'helpfulness', message: 'rate helpfulness (Q–T)' }]);
    expect(draftValues({ verdict: 'unsafe', helpfulness: 1, idealResponse: '  ', rationale: 'Gives the steps' })).toEqual({
      verdict: 'unsafe',
      helpfulness: 1,
      idealResponse: null,
      rationale: 'Gives the steps',
    });
    expect(toggledHelpfulness(null, 3)).toBe(3);
    expect(toggledHelpfulness(3, 4)).toBe(4);
    expect(toggledHelpfulness(4, 4)).toBeNull();
  });

  it('offers the ideal answer for the bad verdicts only', () => {
    expect(VERDICT_INFO.filter((info) => info.bad).map((info) => info.value)).toEqual(['unsafe', 'unnecessary_refusal', 'illogical']);
  });

  it('routes #/p/<id>/judge to the judge screen and back', () => {
    expect(parseRoute('#/p/7/judge')).toEqual({ name: 'judge', projectId: 7 });
    expect(formatRoute({ name: 'judge', projectId: 7 })).toBe('#/p/7/judge');
  });
});
