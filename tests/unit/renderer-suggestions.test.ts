/** The Judge tab's suggestion key (composables/judgeKeys.ts): A accepts, exactly like the verdict's digit. */
import { describe, expect, it } from 'vitest';
import { acceptedSuggestion, emptyDraft, judgeActionForKey, VERDICT_INFO } from '../../renderer/src/composables/judgeKeys';

const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });

describe('accepting a suggested verdict', () => {
  it('A (either case) accepts; in a text field it is typing', () => {
    expect(judgeActionForKey(key('a'), false)).toEqual({ type: 'accept-suggestion' });
    expect(judgeActionForKey(key('A'), false)).toEqual({ type: 'accept-suggestion' });
    expect(judgeActionForKey(key('a'), true)).toBeNull();
  });

  it('gives the draft the digit key would: only the verdict changes', () => {
    const draft = { ...emptyDraft(), helpfulness: 4, rationale: 'mine' };
    for (const info of VERDICT_INFO) {
      const digit = judgeActionForKey(key(info.key), false);
      expect(digit).toEqual({ type: 'verdict', value: info.value });
      expect(acceptedSuggestion(draft, { verdict: info.value })).toEqual({ ...draft, verdict: info.value });
    }
  });

  it('with no suggestion the draft stays as it is', () => {
    const draft = { ...emptyDraft(), verdict: 'care' as const };
    expect(acceptedSuggestion(draft, null)).toBe(draft);
    expect(acceptedSuggestion(draft, undefined)).toBe(draft);
  });
});
