/**
 * Identity masking for blind pairs: the well-known model and maker names a response may give
 * (masked in the view, with a toggle) and a response's own model name (masked on the server).
 */
import { describe, expect, it } from 'vitest';
import { identitySegments, isDistinctiveName, maskIdentity, maskOwnModelName } from '../../preload/contract/identity-mask.js';

describe('maskIdentity', () => {
  it.each([
    ['As an OpenAI model, I cannot help with that.', 'As an [maker] model, I cannot help with that.'],
    ["I'm Claude, made by Anthropic.", "I'm [model], made by [maker]."],
    ['As a large language model trained by Google, I must decline.', 'As a large language model trained by [maker], I must decline.'],
    ['I am Qwen, created by Alibaba Cloud.', 'I am [model], created by [maker].'],
    ['I am Qwen2.5-VL-7B-Instruct, a vision model.', 'I am [model], a vision model.'],
    ["I'm Llama 3.1, developed by Meta AI.", "I'm [model], developed by [maker]."],
    ['This is Mistral Large from Mistral AI.', 'This is [model] from [maker].'],
    ['Gemini 1.5 Pro here: the answer is 4.', '[model] here: the answer is 4.'],
    ['I am based on GPT-4o-mini. Unlike GPT-4, I am small. ChatGPT too.', 'I am based on [model]. Unlike [model], I am small. [model] too.'],
    ['Claude 3.5 Sonnet thinks so.', '[model] thinks so.'],
    ['DeepSeek-V3 and Phi-3-mini agree; so does gemma-2-9b-it.', '[model] and [model] agree; so does [model].'],
  ])('%s', (input, expected) => {
    expect(maskIdentity(input)).toBe(expected);
  });

  it('leaves everyday words alone', () => {
    const text = 'A meta-analysis of claude-like names: the gemini twins met at the bard festival; my llama is it.';
    expect(maskIdentity(text)).toBe(text.replace('llama', '[model]'));
    expect(maskIdentity('The recipe needs flour, water and time.')).toBe('The recipe needs flour, water and time.');
    expect(maskIdentity('Claudette used GPTQ to quantise; Metadata is fine.')).toBe('Claudette used GPTQ to quantise; Metadata is fine.');
  });

  it('keeps the original words in the segments, so joining them gives the input back', () => {
    const text = "Hello! I'm Claude, made by Anthropic. How can I help?";
    const segments = identitySegments(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.mask)).toEqual([
      { text: 'Claude', mask: 'model' },
      { text: 'Anthropic', mask: 'maker' },
    ]);
  });

  it('gives one segment for a text without mentions and none for an empty one', () => {
    expect(identitySegments('plain')).toEqual([{ text: 'plain', mask: null }]);
    expect(identitySegments('')).toEqual([]);
  });
});

describe('maskOwnModelName', () => {
  it('masks the own name whatever its case and separators, and a hub id with its last part', () => {
    expect(maskOwnModelName('I am ckpt-40, a checkpoint. CKPT 40 says hi.', 'ckpt-40')).toBe('I am [model], a checkpoint. [model] says hi.');
    expect(maskOwnModelName('Qwen/Qwen2-VL-2B here; also qwen2 vl 2b.', 'Qwen/Qwen2-VL-2B')).toBe('[model] here; also [model].');
    expect(maskOwnModelName('MyModel answers.', 'MyModel')).toBe('[model] answers.');
  });

  it('does not mask inside longer words, nor names that are everyday words', () => {
    expect(maskOwnModelName('ckpt-400 is another one', 'ckpt-40')).toBe('ckpt-400 is another one');
    expect(maskOwnModelName('The base of the tower.', 'base')).toBe('The base of the tower.');
    expect(isDistinctiveName('base')).toBe(false);
    expect(isDistinctiveName('ckpt-40')).toBe(true);
    expect(isDistinctiveName('llamaTuned')).toBe(true);
  });
});
