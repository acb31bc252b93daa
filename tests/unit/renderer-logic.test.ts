import { describe, expect, it } from 'vitest';
import { actionForKey, nextCrossModal, SHORTCUT_SHEET } from '../../renderer/src/composables/labelKeys';
import { diffLabels, historyEntries } from '../../renderer/src/composables/labelText';
import { formatRoute, parseRoute, type Route } from '../../renderer/src/composables/routes';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('labelling keyboard map', () => {
  it('maps every field to a key outside text fields', () => {
    expect(actionForKey(key('h'), false)).toEqual({ type: 'harmful', value: true });
    expect(actionForKey(key('N'), false)).toEqual({ type: 'harmful', value: false });
    expect(actionForKey(key('2'), false)).toEqual({ type: 'severity', value: 2 });
    expect(actionForKey(key('0'), false)).toEqual({ type: 'severity', value: 0 });
    expect(actionForKey(key('4'), false)).toBeNull();
    expect(actionForKey(key('w'), false)).toEqual({ type: 'expected', value: 'comply_with_care' });
    expect(actionForKey(key('r'), false)).toEqual({ type: 'expected', value: 'refuse' });
    expect(actionForKey(key('k'), false)).toEqual({ type: 'picker', field: 'riskCategory' });
    expect(actionForKey(key('j'), false)).toEqual({ type: 'picker', field: 'jailbreakType' });
    expect(actionForKey(key('t'), false)).toEqual({ type: 'focus', field: 'rationale' });
    expect(actionForKey(key('Enter'), false)).toEqual({ type: 'submit' });
    expect(actionForKey(key('Backspace'), false)).toEqual({ type: 'undo' });
    expect(actionForKey(key('?'), false)).toEqual({ type: 'help' });
  });

  it('leaves typing alone in text fields except Escape and Ctrl+Enter', () => {
    expect(actionForKey(key('h'), true)).toBeNull();
    expect(actionForKey(key('Backspace'), true)).toBeNull();
    expect(actionForKey(key('Enter'), true)).toBeNull();
    expect(actionForKey(key('Escape'), true)).toEqual({ type: 'blur' });
    expect(actionForKey(key('Enter', { ctrlKey: true }), true)).toEqual({ type: 'submit' });
  });

  it('ignores browser shortcuts such as Ctrl+R', () => {
    expect(actionForKey(key('r', { ctrlKey: true }), false)).toBeNull();
    expect(actionForKey(key('c', { metaKey: true }), false)).toBeNull();
  });

  it('cycles cross-modal risk through all values', () => {
    expect(nextCrossModal(null)).toBe('none');
    expect(nextCrossModal('none')).toBe('text');
    expect(nextCrossModal('image')).toBe('combined');
    expect(nextCrossModal('combined')).toBe('none');
  });

  it('lists no key twice on the shortcut sheet', () => {
    const single = SHORTCUT_SHEET.flatMap((group) => group.keys)
      .filter((entry) => entry.keys.length === 1)
      .map((entry) => entry.keys[0]);
    expect(new Set(single).size).toBe(single.length);
  });
});

describe('hash routes', () => {
  it('round-trips every route', () => {
    const routes: Route[] = [
      { name: 'start' },
      { name: 'project', projectId: 3, tab: 'overview' },
      { name: 'project', projectId: 3, tab: 'settings' },
      { name: 'label', projectId: 12 },
      { name: 'browse', projectId: 5, itemId: null },
      { name: 'browse', projectId: 5, itemId: 77 },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('falls back to the start screen on anything else', () => {
    expect(parseRoute('#/p/abc')).toEqual({ name: 'start' });
    expect(parseRoute('#/p/0/label')).toEqual({ name: 'start' });
    expect(parseRoute('')).toEqual({ name: 'start' });
    expect(parseRoute('#/p/4/nonsense')).toEqual({ name: 'project', projectId: 4, tab: 'overview' });
  });
});

describe('label history diff', () => {
  const base: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse' };

  it('lists only the fields that changed, in words', () => {
    const changes = diffLabels(base, { ...base, severity: 3, visualCues: ['slur on sign'] });
    expect(changes).toEqual([
      { field: 'severity', label: 'Severity', from: '2 · moderate', to: '3 · severe' },
      { field: 'visualCues', label: 'Visual cues', from: '—', to: 'slur on sign' },
    ]);
  });

  it('compares each version with the same annotator, newest first', () => {
    const annotation = (id: number, annotatorId: number, version: number, labels: typeof base, createdAt: string) => ({
      id,
      itemId: 1,
      annotatorId,
      annotatorName: `a${annotatorId}`,
      version,
      status: 'submitted' as const,
      labels,
      timeSpentMs: 1000,
      createdAt,
    });
    const entries = historyEntries([
      annotation(1, 7, 1, base, '2026-01-01T10:00:00Z'),
      annotation(2, 8, 1, { ...base, harmful: false }, '2026-01-01T10:01:00Z'),
      annotation(3, 7, 2, { ...base, expected: 'comply_with_care' }, '2026-01-01T10:02:00Z'),
    ]);
    expect(entries.map((entry) => entry.annotation.id)).toEqual([3, 2, 1]);
    expect(entries[0]?.changes.map((change) => change.field)).toEqual(['expected']);
    expect(entries[1]?.changes.map((change) => change.field)).toContain('harmful');
  });
});
