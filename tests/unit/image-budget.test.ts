/**
 * The studio's image token count matches the worker's (cosmo_rl/image_budget.py, itself checked
 * against transformers' smart_resize), and the preview says what the worker will do.
 */
import { describe, expect, it } from 'vitest';
import { imageBudgetWarnings, imageTokens, smartResize } from '../../main/core/training/image-budget.js';
import { RunSettings } from '../../preload/contract/run-config.js';

const QWEN2_VL_MAX_PIXELS = 12845056;
const settings = (over: Record<string, unknown> = {}) => RunSettings.parse({ stages: [{ name: 'stage1', steps: 1, task_mix: { general: 1 } }], ...over });

describe('image token budget', () => {
  it('counts a 1280x960 photo as 1,564 tokens unscaled', () => {
    expect(smartResize(960, 1280, 3136, QWEN2_VL_MAX_PIXELS)).toEqual([952, 1288]);
    expect(imageTokens({ width: 1280, height: 960 }, 3136, QWEN2_VL_MAX_PIXELS)).toBe(1564);
  });

  it('matches the worker on sizes it tested (rounding halves to even, like Python)', () => {
    // Values from cosmo_rl.image_budget.smart_resize (equal to transformers' in tests/test_image_budget.py).
    expect(smartResize(960, 1280, 3136, 401408)).toEqual([532, 728]);
    expect(smartResize(14, 42, 3136, 401408)).toEqual([56, 112]);
    expect(smartResize(70, 98, 784, 401408)).toEqual([56, 112]);
  });

  it('warns that oversize images are downscaled by default, and blocks under refuse', () => {
    const photo = [
      { width: 1280, height: 960 },
      { width: 56, height: 56 },
    ];
    const resize = imageBudgetWarnings(settings(), photo);
    expect(resize.map((w) => `${w.severity}:${w.code}`)).toEqual(['warning:image_over_budget']);
    expect(resize[0]!.message).toContain('1 of 2 image(s) are over the image budget of 512 tokens (the largest is 1564 unscaled)');
    const refuse = imageBudgetWarnings(settings({ images: { oversize: 'refuse' } }), photo);
    expect(refuse.map((w) => `${w.severity}:${w.code}`)).toEqual(['blocker:image_over_budget']);
    expect(imageBudgetWarnings(settings(), [{ width: 56, height: 56 }])).toEqual([]);
  });

  it('blocks an image that leaves no room for text under max_prompt_length', () => {
    const warnings = imageBudgetWarnings(settings({ max_prompt_length: 256 }), [{ width: 1280, height: 960 }]);
    expect(warnings.map((w) => `${w.severity}:${w.code}`)).toEqual(['blocker:image_no_room_for_text', 'warning:image_over_budget']);
  });
});
