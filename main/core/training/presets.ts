/**
 * Run presets. `quick` is a smoke test that finishes in seconds on a CPU with the tiny model;
 * `standard` follows the method's two stages (COSMO-RL.md) with the CPGD reference settings.
 * Task mixes keep only the tasks the project has trainable items for, so a preset never asks
 * the worker to sample a task with nothing in it.
 */
import { RunSettings } from '../../../preload/contract/run-config.js';
import type { Task } from '../../../preload/contract/domain.js';
import type { RunPreset } from '../../../preload/contract/training.js';

type Mix = Partial<Record<Task, number>>;

/** Stage 1 builds general capability. */
export const STAGE1_MIX: Mix = { knowledge: 0.4, general: 0.4, instruction: 0.2 };
/** Stage 2 trains safety, value and general capability jointly. */
export const STAGE2_MIX: Mix = { safety: 0.3, jailbreak: 0.2, value: 0.1, knowledge: 0.15, general: 0.15, instruction: 0.1 };

function restrict(mix: Mix, available: ReadonlySet<string>): Mix {
  return Object.fromEntries(Object.entries(mix).filter(([task]) => available.has(task)));
}

/**
 * The settings a preset starts from, for a dataset with items of `tasks`. When the data has none
 * of stage 1's tasks, stage 1 is left out (its mix would be empty); when it has none of stage 2's
 * either, the full stage 2 mix stays so the warnings can say why nothing can be trained.
 */
export function presetSettings(preset: RunPreset, tasks: ReadonlySet<string>): RunSettings {
  const stage2 = restrict(STAGE2_MIX, tasks);
  const stage2Mix = Object.keys(stage2).length > 0 ? stage2 : STAGE2_MIX;
  if (preset === 'quick') {
    return RunSettings.parse({
      lora: { r: 8, alpha: 16, dropout: 0 },
      method: 'cpgd',
      cpgd: { steps_per_generation: 2 },
      stages: [{ name: 'stage2', steps: 4, task_mix: stage2Mix }],
      rollouts_per_prompt: 2,
      prompts_per_step: 2,
      max_prompt_length: 256,
      max_completion_length: 16,
      // A smoke test: every image is 2x2 merged patches (4 tokens), as the tiny model's own
      // processor has it, so image prompts fit the short prompt length and a CPU step stays fast.
      images: { min_pixels: 56 * 56, max_pixels: 56 * 56, oversize: 'resize' },
      learning_rate: 1e-4,
      seed: 0,
      device: 'auto',
      checkpoint_every: 2,
      logging: { sample_every: 1 },
    });
  }
  const stage1 = restrict(STAGE1_MIX, tasks);
  const stages = [...(Object.keys(stage1).length > 0 ? [{ name: 'stage1' as const, steps: 200, task_mix: stage1 }] : []), { name: 'stage2' as const, steps: 300, task_mix: stage2Mix }];
  return RunSettings.parse({
    lora: { enabled: true, r: 16, alpha: 32, dropout: 0 },
    method: 'cpgd',
    cpgd: { eps: 0.2, alpha: 0.01, drift_cap: 2, steps_per_generation: 4 },
    stages,
    reward: { weights: { format: 1, visual: 1, helpful: 1, task: 1 }, verifier: { tier: 'rules', path: null } },
    rollouts_per_prompt: 8,
    prompts_per_step: 4,
    max_prompt_length: 1024,
    max_completion_length: 512,
    temperature: 1,
    learning_rate: 2e-5,
    seed: 0,
    device: 'auto',
    checkpoint_every: 50,
    logging: { sample_every: 10 },
  });
}

export function totalSteps(settings: Pick<RunSettings, 'stages'>): number {
  return settings.stages.reduce((n, s) => n + s.steps, 0);
}
