/**
 * The pure rules behind a run's setup: presets follow the data's tasks, warnings follow the
 * labels, backbones are recognised or refused by name from config.json, the GPU memory estimate
 * grows with what costs memory; and the environment setup fails with a readable message and log.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunSettings } from '../../preload/contract/run-config.js';
import { estimateGpuMemory, inspectModelFolder } from '../../main/core/training/backbone.js';
import { presetSettings, totalSteps } from '../../main/core/training/presets.js';
import { setupPythonEnv } from '../../main/core/training/python-env.js';
import { RingBuffer } from '../../main/core/training/jobs.js';
import { datasetStats, itemFacts, runWarnings, type ItemFacts, type WarningInputs } from '../../main/core/training/warnings.js';
import { makeTempDir } from '../helpers/tempdir.js';
import type { EnvSetupState } from '../../preload/contract/training.js';

const dir = makeTempDir('studio-training-rules-');
afterAll(() => dir.cleanup());

function modelFolder(name: string, config: Record<string, unknown>): string {
  const path = join(dir.path, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'config.json'), JSON.stringify(config));
  return path;
}

const QWEN2_VL_2B = {
  model_type: 'qwen2_vl',
  architectures: ['Qwen2VLForConditionalGeneration'],
  hidden_size: 1536,
  intermediate_size: 8960,
  num_hidden_layers: 28,
  num_attention_heads: 12,
  num_key_value_heads: 2,
  vocab_size: 151936,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  vision_config: { embed_dim: 1280, depth: 32, mlp_ratio: 4 },
};

describe('backbones', () => {
  it('recognises Qwen2-VL and estimates about 2B parameters', () => {
    const info = inspectModelFolder(modelFolder('qwen2vl', QWEN2_VL_2B));
    expect(info).toMatchObject({ family: 'qwen2_vl', supported: true, vision: true, storedBytesPerParam: 2 });
    expect(info.parameters! / 1e9).toBeGreaterThan(1.5);
    expect(info.parameters! / 1e9).toBeLessThan(2.5);
  });

  it('takes a text-only causal LM and refuses other vision models by name', () => {
    expect(inspectModelFolder(modelFolder('llama', { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, num_hidden_layers: 2, vocab_size: 100 })).family).toBe('causal_lm');
    const llava = inspectModelFolder(modelFolder('llava', { model_type: 'llava', architectures: ['LlavaForConditionalGeneration'], vision_config: {} }));
    expect(llava.supported).toBe(false);
    expect(llava.unsupportedReason).toMatch(/model type 'llava' \(LlavaForConditionalGeneration\) is not supported; supported backbones are Qwen2-VL, Qwen2.5-VL/);
    const empty = inspectModelFolder(join(dir.path, 'nothing'));
    expect(empty.unsupportedReason).toContain('has no config.json');
  });

  it('estimates more GPU memory for full fine-tuning and more rollouts, and says whether it fits', () => {
    const path = modelFolder('qwen2vl-mem', QWEN2_VL_2B);
    const info = inspectModelFolder(path);
    const base = presetSettings('standard', new Set(['safety', 'general']));
    const lora = estimateGpuMemory(path, info, base, 24_000);
    const full = estimateGpuMemory(path, info, { ...base, lora: { ...base.lora, enabled: false } }, 24_000);
    const more = estimateGpuMemory(path, info, { ...base, rollouts_per_prompt: 16 }, 24_000);
    expect(full.neededMb).toBeGreaterThan(lora.neededMb * 2);
    expect(more.neededMb).toBeGreaterThan(lora.neededMb);
    expect(lora.fits).toBe(true);
    expect(full.fits).toBe(false);
    expect(estimateGpuMemory(path, info, base, null).fits).toBeNull();
  });
});

describe('presets', () => {
  it('quick is a tiny run over the tasks the data has', () => {
    const s = presetSettings('quick', new Set(['safety', 'knowledge']));
    expect(s.stages).toEqual([{ name: 'stage2', steps: 4, task_mix: { safety: 0.3, knowledge: 0.15 } }]);
    expect(s.rollouts_per_prompt).toBe(2);
    expect(RunSettings.safeParse(s).success).toBe(true);
  });

  it('standard has both stages, and drops stage 1 when no capability task has items', () => {
    expect(presetSettings('standard', new Set(['safety', 'general'])).stages.map((x) => x.name)).toEqual(['stage1', 'stage2']);
    const safetyOnly = presetSettings('standard', new Set(['safety']));
    expect(safetyOnly.stages.map((x) => x.name)).toEqual(['stage2']);
    expect(totalSteps(safetyOnly)).toBe(300);
  });
});

function facts(n: number, f: Partial<ItemFacts>): ItemFacts[] {
  return Array.from({ length: n }, () => ({ task: 'safety', split: 'train', hasImage: false, harmful: true, hasReference: false, visualCues: 0, ...f }));
}

function inputs(items: ItemFacts[], patch: Partial<WarningInputs> = {}): WarningInputs {
  const settings = presetSettings('standard', new Set(items.map((i) => i.task)));
  const info = inspectModelFolder(modelFolder('w-qwen', QWEN2_VL_2B));
  return {
    settings,
    stats: datasetStats(items),
    model: { name: 'Qwen2-VL', status: 'ready', info },
    memory: { neededMb: 1, availableMb: 80_000, fits: true, basis: '' },
    hasGpu: true,
    envProblem: null,
    verifierProblem: null,
    ...patch,
  };
}

const codes = (w: WarningInputs) => runWarnings(w).map((x) => `${x.severity}:${x.code}`);

describe('warnings from the labels', () => {
  it('blocks a project with nothing to train on', () => {
    expect(codes(inputs([]))).toEqual(['blocker:no_items']);
  });

  it('warns when benign look-alikes are under 20% of safety items, and when nothing is harmful', () => {
    expect(codes(inputs([...facts(9, {}), ...facts(1, { harmful: false })]))).toContain('warning:few_benign');
    expect(codes(inputs([...facts(8, {}), ...facts(2, { harmful: false })]))).not.toContain('warning:few_benign');
    expect(codes(inputs(facts(3, { harmful: false })))).toContain('warning:no_harmful');
  });

  it('warns about stage 2 without safety items, knowledge without references, a VLM without images', () => {
    const w = codes(inputs(facts(5, { task: 'knowledge', harmful: null })));
    expect(w).toEqual(expect.arrayContaining(['warning:stage2_no_safety', 'warning:missing_reference', 'warning:vlm_without_images']));
  });

  it('blocks a stage whose tasks have no items, an unsupported model, a broken environment', () => {
    const items = facts(5, { harmful: false });
    const s = RunSettings.parse({ stages: [{ name: 'stage1', steps: 3, task_mix: { instruction: 1 } }] });
    expect(codes(inputs(items, { settings: s }))).toContain('blocker:stage_without_items');
    const llava = inspectModelFolder(modelFolder('w-llava', { model_type: 'llava', vision_config: {} }));
    expect(codes(inputs(items, { model: { name: 'llava', status: 'ready', info: llava } }))).toContain('blocker:model_unsupported');
    expect(codes(inputs(items, { envProblem: 'no python' }))).toContain('blocker:environment');
  });

  it('only counts train-split items, and reads snapshot lines', () => {
    const f = itemFacts({ task: 'general', split: 'eval', messages: [{ role: 'user', content: [{ type: 'image', path: 'images/a.png' }] }], reference: 'x', visual_cues: ['a'] });
    expect(f).toMatchObject({ task: 'general', split: 'eval', hasImage: true, hasReference: true, visualCues: 1 });
    expect(datasetStats([f]).items).toBe(0);
  });

  it('flags an out-of-range learning rate and a GPU too small for the estimate', () => {
    const items = [...facts(4, {}), ...facts(2, { harmful: false })];
    const base = inputs(items);
    expect(codes({ ...base, settings: { ...base.settings, learning_rate: 0.1 } })).toContain('warning:learning_rate');
    expect(codes({ ...base, memory: { neededMb: 90_000, availableMb: 24_000, fits: false, basis: '' } })).toContain('warning:gpu_memory');
  });
});

describe('worker log tail', () => {
  it('keeps the last lines and finds the error line', () => {
    const ring = new RingBuffer(3);
    ring.push('a\nb\nTraceback (most recent call last):\n  File "x"\nRuntimeError: boom\npartial');
    expect(ring.text()).toBe('Traceback (most recent call last):\n  File "x"\nRuntimeError: boom\npartial');
    expect(ring.lastError()).toBe('RuntimeError: boom');
  });

  it('ends lines at carriage returns, so redrawn progress bars do not pile up', () => {
    const ring = new RingBuffer(2);
    ring.push('step 1/3\rstep 2/3\rstep 3/3\r\nTraceback\nValueError: bad\n');
    expect(ring.text()).toBe('Traceback\nValueError: bad');
  });
});

describe('environment setup failures are readable', () => {
  it('reports pip failing on the torch pin, with the full output in the log file', async () => {
    const workerDir = join(dir.path, 'worker');
    mkdirSync(workerDir, { recursive: true });
    // A torch version that exists on no index: pip fails, after the venv was really created.
    writeFileSync(join(workerDir, 'requirements-cpu.txt'), `--index-url file://${join(dir.path, 'no-index')}\ntorch==0.0.1\nnumpy==2.4.6\n`);
    const states: EnvSetupState[] = [];
    const dataDir = join(dir.path, 'data');
    const final = await setupPythonEnv({ dataDir, workerDir, variant: 'cpu', jobId: 'j1', onProgress: (s) => states.push(s) });
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/^pip could not install torch==0\.0\.1: .*\(full log: .*python-env-setup\.log\)$/);
    expect(states.map((s) => s.phase)).toEqual(expect.arrayContaining(['venv', 'torch']));
    expect(existsSync(join(dataDir, 'python-env', 'constraints.txt'))).toBe(true);
    const log = readFileSync(final.logPath, 'utf8');
    expect(log).toContain('-m pip install');
    expect(log).toContain('FAILED: pip could not install torch==0.0.1');
  }, 120_000);
});
