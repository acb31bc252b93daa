/**
 * The Qwen-VL image token budget, counted as the worker counts it (native-models/cosmo_rl/image_budget.py):
 * the processor's smart_resize makes both sides multiples of 28 (patch 14 x 2x2 merge) with the pixel
 * count inside [min_pixels, max_pixels], and each 28x28 block is one image token. Unscaled, a
 * 1280x960 photo is 952x1288 = 1,564 tokens. Said in the run preview, before the worker refuses it.
 */
import { PIXELS_PER_IMAGE_TOKEN, type RunSettings } from '../../../preload/contract/run-config.js';
import type { RunWarning } from '../../../preload/contract/training.js';

const FACTOR = 28;
/** No upper cap: how many tokens an image is before the budget scales it down. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export interface ImageSize {
  width: number;
  height: number;
}

/** [height, width] after the Qwen2-VL image processor's smart_resize (transformers' algorithm). */
export function smartResize(height: number, width: number, minPixels: number, maxPixels: number): [number, number] {
  // Python's round() rounds halves to even; the sides here are integers over 28, so a half is x.5 exactly.
  const roundHalfEven = (x: number) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  let h = roundHalfEven(height / FACTOR) * FACTOR;
  let w = roundHalfEven(width / FACTOR) * FACTOR;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(FACTOR, Math.floor(height / beta / FACTOR) * FACTOR);
    w = Math.max(FACTOR, Math.floor(width / beta / FACTOR) * FACTOR);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / FACTOR) * FACTOR;
    w = Math.ceil((width * beta) / FACTOR) * FACTOR;
  }
  return [h, w];
}

export function imageTokens(size: ImageSize, minPixels: number, maxPixels: number): number {
  const [h, w] = smartResize(size.height, size.width, minPixels, maxPixels);
  return Math.floor((h * w) / PIXELS_PER_IMAGE_TOKEN);
}

/** What the worker will do with these images under the run's budget, as preview warnings or blockers. */
export function imageBudgetWarnings(settings: RunSettings, images: readonly ImageSize[]): RunWarning[] {
  const { min_pixels: low, max_pixels: high, oversize } = settings.images;
  const budget = Math.floor(high / PIXELS_PER_IMAGE_TOKEN);
  let over = 0;
  let largest = 0;
  let noRoom = 0;
  for (const size of images) {
    const unscaled = imageTokens(size, low, UNBOUNDED);
    if (unscaled > budget) over += 1;
    largest = Math.max(largest, unscaled);
    if (imageTokens(size, low, high) >= settings.max_prompt_length) noRoom += 1;
  }
  const out: RunWarning[] = [];
  if (noRoom > 0) {
    out.push({
      code: 'image_no_room_for_text',
      severity: 'blocker',
      message: `${noRoom} image(s) take ${settings.max_prompt_length} or more tokens even at the image budget, leaving no room for text under the prompt length: lower images.max_pixels or raise max_prompt_length.`,
    });
  }
  if (over > 0) {
    const what = `${over} of ${images.length} image(s) are over the image budget of ${budget} tokens (the largest is ${largest} unscaled)`;
    out.push(
      oversize === 'refuse'
        ? { code: 'image_over_budget', severity: 'blocker', message: `${what} and images.oversize is 'refuse': shrink them, raise images.max_pixels, or choose resize.` }
        : { code: 'image_over_budget', severity: 'warning', message: `${what}; they will be downscaled to fit.` },
    );
  }
  return out;
}
