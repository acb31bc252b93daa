import { describe, expect, it } from 'vitest';
import { REVIEW_SHORTCUT_SHEET, reviewActionForKey } from '../../renderer/src/composables/reviewKeys';
import { formatRoute, parseRoute } from '../../renderer/src/composables/routes';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('review keyboard map', () => {
  it("puts people's labels on 1-9 and the queue on Enter, Backspace, S", () => {
    expect(reviewActionForKey(key('1'), 'none')).toEqual({ type: 'pick', index: 0 });
    expect(reviewActionForKey(key('9'), 'none')).toEqual({ type: 'pick', index: 8 });
    expect(reviewActionForKey(key('0'), 'none')).toBeNull();
    expect(reviewActionForKey(key('Enter'), 'none')).toEqual({ type: 'confirm' });
    expect(reviewActionForKey(key('Backspace'), 'none')).toEqual({ type: 'undo' });
    expect(reviewActionForKey(key('s'), 'none')).toEqual({ type: 'skip' });
    expect(reviewActionForKey(key('S'), 'none')).toEqual({ type: 'skip' });
    expect(reviewActionForKey(key('o'), 'none')).toEqual({ type: 'own' });
    expect(reviewActionForKey(key('y'), 'none')).toEqual({ type: 'reason' });
    expect(reviewActionForKey(key('v'), 'none')).toEqual({ type: 'mode' });
    expect(reviewActionForKey(key('?'), 'none')).toEqual({ type: 'help' });
    expect(reviewActionForKey(key('a'), 'none')).toEqual({ type: 'choose', choice: 'a' });
    expect(reviewActionForKey(key('B'), 'none')).toEqual({ type: 'choose', choice: 'b' });
    expect(reviewActionForKey(key('t'), 'none')).toEqual({ type: 'choose', choice: 'tie' });
    expect(reviewActionForKey(key('n'), 'none')).toEqual({ type: 'choose', choice: 'both_bad' });
    expect(reviewActionForKey(key('a'), 'line')).toBeNull();
    expect(reviewActionForKey(key('s', { ctrlKey: true }), 'none')).toBeNull();
  });

  it('leaves typing alone in text fields; Enter confirms from the one-line reason, Ctrl+Enter from a textarea', () => {
    for (const k of ['1', 's', 'Backspace', 'o', '?']) {
      expect(reviewActionForKey(key(k), 'line')).toBeNull();
      expect(reviewActionForKey(key(k), 'area')).toBeNull();
    }
    expect(reviewActionForKey(key('Enter'), 'line')).toEqual({ type: 'confirm' });
    expect(reviewActionForKey(key('Enter'), 'area')).toBeNull();
    expect(reviewActionForKey(key('Enter', { ctrlKey: true }), 'area')).toEqual({ type: 'confirm' });
    expect(reviewActionForKey(key('Escape'), 'line')).toEqual({ type: 'blur' });
  });

  it('lists every key it handles on the shortcut sheet', () => {
    const sheet = REVIEW_SHORTCUT_SHEET.flatMap((g) => g.keys.flatMap((k) => k.keys));
    for (const k of ['1', '9', 'O', 'A', 'B', 'T', 'N', 'Y', 'Enter', 'Esc', 'Backspace', 'S', 'V', '?']) expect(sheet).toContain(k);
  });

  it('routes #/p/<id>/review', () => {
    expect(parseRoute('#/p/7/review')).toEqual({ name: 'review', projectId: 7 });
    expect(formatRoute({ name: 'review', projectId: 7 })).toBe('#/p/7/review');
  });
});
