/** The pairwise voting keyboard and its route: pure functions, no DOM. */
import { describe, expect, it } from 'vitest';
import { pairActionForKey, pairShortcutSheet } from '../../renderer/src/composables/pairKeys';
import { formatRoute, parseRoute } from '../../renderer/src/composables/routes';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('pairActionForKey', () => {
  it('maps 1-4 to left, right, tie, both bad', () => {
    expect(['1', '2', '3', '4'].map((k) => pairActionForKey(key(k), []))).toEqual([
      { type: 'choose', choice: 'left' },
      { type: 'choose', choice: 'right' },
      { type: 'choose', choice: 'tie' },
      { type: 'choose', choice: 'both_bad' },
    ]);
  });

  it('gives criterion rows only for the criteria asked, in the same columns', () => {
    expect(pairActionForKey(key('q'), [])).toBeNull();
    expect(pairActionForKey(key('q'), ['safety'])).toEqual({ type: 'criterion', criterion: 'safety', choice: 'left' });
    expect(pairActionForKey(key('R'), ['safety'])).toEqual({ type: 'criterion', criterion: 'safety', choice: 'both_bad' });
    expect(pairActionForKey(key('x'), ['safety', 'helpfulness'])).toEqual({ type: 'criterion', criterion: 'helpfulness', choice: 'right' });
    expect(pairActionForKey(key('c'), ['safety'])).toBeNull();
  });

  it('has no key doing two things with every criterion asked', () => {
    const keys = ['1', '2', '3', '4', 'q', 'w', 'e', 'r', 'z', 'x', 'c', 'v', 's', 'm', 'b', '0', '+', '-', 'Enter', 'Backspace', '?'];
    const actions = keys.map((k) => JSON.stringify(pairActionForKey(key(k), ['safety', 'helpfulness'])));
    expect(actions.every((a) => a !== 'null')).toBe(true);
    expect(new Set(actions).size).toBe(keys.length);
    expect(pairActionForKey(key('s'), ['safety', 'helpfulness'])).toEqual({ type: 'skip' });
    expect(pairActionForKey(key('m'), [])).toEqual({ type: 'toggleMask' });
    expect(pairActionForKey(key('Enter'), [])).toEqual({ type: 'submit' });
    expect(pairActionForKey(key('Backspace'), [])).toEqual({ type: 'undo' });
  });

  it('leaves shortcuts with a modifier to the browser', () => {
    expect(pairActionForKey(key('1', { ctrlKey: true }), [])).toBeNull();
    expect(pairActionForKey(key('r', { metaKey: true }), ['safety'])).toBeNull();
  });

  it('documents Enter only when criteria make keys select instead of send', () => {
    const flat = (groups: ReturnType<typeof pairShortcutSheet>) => groups.flatMap((g) => g.keys.flatMap((k) => k.keys));
    expect(flat(pairShortcutSheet([]))).not.toContain('Enter');
    expect(flat(pairShortcutSheet(['safety']))).toEqual(expect.arrayContaining(['Enter', 'Q', 'W', 'E', 'R']));
  });
});

describe('vote route', () => {
  it('parses and formats #/p/<id>/vote', () => {
    expect(parseRoute('#/p/7/vote')).toEqual({ name: 'vote', projectId: 7 });
    expect(formatRoute({ name: 'vote', projectId: 7 })).toBe('#/p/7/vote');
  });
});
