/**
 * The COSMO-RL run config, mirrored from the worker's pydantic `RunConfig`
 * (native-models/cosmo_rl/config.py, JSON Schema in native-models/schema/run-config.schema.json).
 * The same fixtures (tests/fixtures/run-config/) are fed to both sides by a test, so the two
 * cannot drift apart silently. Keys are snake_case because this is the worker's document.
 *
 * Like the pydantic side: unknown keys are errors (strict objects), types are strict (a string
 * "1e-5" is not a number), and the cross-field rules JSON Schema cannot express are refinements
 * that report the field they constrain.
 */
import { z } from 'zod';
import { TASKS } from './domain.js';

export const RUN_METHODS = ['cpgd', 'grpo'] as const;
export const MODEL_KINDS = ['auto', 'qwen2_vl', 'qwen2_5_vl', 'causal_lm'] as const;
export const VERIFIER_TIERS = ['rules', 'learned', 'judge'] as const;
export const REWARD_AGGREGATIONS = ['sum_then_normalize', 'normalize_then_sum'] as const;
export const RUN_DEVICES = ['auto', 'cuda', 'mps', 'cpu'] as const;
export const STAGE_NAMES = ['stage1', 'stage2'] as const;

const int = () => z.number().int();

export const ModelSection = z.strictObject({
  /** Local model folder or Hugging Face hub id of the base model (or a stage-1 checkpoint). */
  path_or_id: z.string().min(1),
  /** Allow the model's own Python code to run. Off unless the user turns it on. */
  trust_remote_code: z.boolean().default(false),
  /** 'auto' reads the family from the model's config.json; 'causal_lm' is text-only. */
  kind: z.enum(MODEL_KINDS).default('auto'),
  /** A LoRA adapter folder (a checkpoint of an earlier run) the run starts from and trains further; null: a fresh adapter. */
  adapter: z.string().min(1).nullable().default(null),
});

export const LoraSection = z.strictObject({
  enabled: z.boolean().default(true),
  r: int().gt(0).default(16),
  alpha: int().gt(0).default(32),
  /** Recorded in the saved adapter; RL training turns every dropout off (on-policy passes must agree). */
  dropout: z.number().gte(0).lt(1).default(0),
  target_modules: z.array(z.string()).min(1).default(['q_proj', 'k_proj', 'v_proj', 'o_proj']),
  freeze_vision: z.boolean().default(true),
});

export const CpgdSection = z.strictObject({
  /** The log-ratio is clipped to [log(1-eps), log(1+eps)]. */
  eps: z.number().gt(0).lt(1).default(0.2),
  /** Policy-drift coefficient (CPGD reference: 0.01). */
  alpha: z.number().gte(0).default(0.01),
  /** Cap c on the drift weight min(ratio - 1, c). */
  drift_cap: z.number().gt(0).default(2.0),
  /** Optimizer steps per rollout batch; > 1 for the clip and drift terms to act. */
  steps_per_generation: int().gte(1).default(4),
  kl_beta: z.number().gte(0).default(0),
});

export const TaskMix = z
  .partialRecord(z.enum(TASKS), z.number().gte(0))
  .refine((mix) => Object.keys(mix).length >= 1, { message: 'must have at least 1 item(s)' })
  .refine((mix) => Object.values(mix).reduce((a: number, b) => a + (b ?? 0), 0) > 0, { message: 'weights must sum to > 0' });

export const StageSection = z.strictObject({
  name: z.enum(STAGE_NAMES),
  /** Optimizer steps in this stage. */
  steps: int().gt(0),
  /** Relative sampling weight per task; tasks left out are not sampled. */
  task_mix: TaskMix,
});
export type StageSection = z.infer<typeof StageSection>;

export const RewardWeights = z
  .strictObject({
    format: z.number().gte(0).default(1),
    visual: z.number().gte(0).default(1),
    helpful: z.number().gte(0).default(1),
    task: z.number().gte(0).default(1),
  })
  .refine((w) => w.format + w.visual + w.helpful + w.task > 0, { message: 'at least one reward weight must be > 0' });

export const VerifierSection = z
  .strictObject({
    tier: z.enum(VERIFIER_TIERS).default('rules'),
    /** Classifier file/folder (learned) or model folder (judge). */
    path: z.string().nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if ((v.tier === 'learned' || v.tier === 'judge') && !v.path) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: `is required when tier is '${v.tier}'` });
    }
  });

export const RewardSection = z.strictObject({
  weights: RewardWeights.default({ format: 1, visual: 1, helpful: 1, task: 1 }),
  verifier: VerifierSection.default({ tier: 'rules', path: null }),
  aggregation: z.enum(REWARD_AGGREGATIONS).default('sum_then_normalize'),
});

export const Stages = z
  .array(StageSection)
  .min(1)
  .max(2)
  .superRefine((stages, ctx) => {
    const names = stages.map((s) => s.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'stage names must not repeat' });
    else if (names[0] === 'stage2' && names[1] === 'stage1') ctx.addIssue({ code: 'custom', message: 'stage1 must come before stage2' });
  });

export const PROBE_METRICS = ['over_refusal_rate', 'unsafe_rate'] as const;

/** Stop the run cleanly when a probe rate stays strictly above `above` for `consecutive` probes. */
export const ProbeStopRule = z.strictObject({
  metric: z.enum(PROBE_METRICS),
  /** A fraction (0.2 = 20%); a negative value stops at the first probes that measure the rate (a smoke test). */
  above: z.number().gte(-1).lt(1),
  consecutive: int().gte(1).default(2),
});
export type ProbeStopRule = z.infer<typeof ProbeStopRule>;

/** What a user picks for probes during training; the core freezes the prompts into the run folder. */
export const ProbeSettings = z.strictObject({
  /** The evaluation set the probe prompts are drawn from (a seeded sample, the same every probe). */
  evaluation_set_id: int().gte(1),
  /** Probe every N optimizer steps (run-wide count), and once at step 0 as a baseline. */
  every: int().gt(0).default(10),
  max_prompts: int().gt(0).lte(512).default(16),
  max_new_tokens: int().gt(0).default(128),
  stop: ProbeStopRule.nullable().default(null),
});
export type ProbeSettings = z.infer<typeof ProbeSettings>;

/** The worker's probe section: the settings plus the folder holding the frozen probe prompts. */
export const ProbeSection = ProbeSettings.extend({
  evaluation_set_id: int().gte(1).nullable().default(null),
  /** Folder with items.jsonl (+ images/); the worker asks its first max_prompts lines. */
  items: z.string().min(1),
});
export type ProbeSection = z.infer<typeof ProbeSection>;
/** One Qwen-VL image token covers 28x28 pixels after smart_resize (patch 14, 2x2 patches merged). */
export const PIXELS_PER_IMAGE_TOKEN = 28 * 28;
export const IMAGE_OVERSIZE = ['resize', 'refuse'] as const;

/** The Qwen-VL image token budget: images are resized into [min_pixels, max_pixels]; ignored for text models. */
export const ImagesSection = z
  .strictObject({
    min_pixels: int()
      .gte(PIXELS_PER_IMAGE_TOKEN)
      .default(56 * 56),
    /** Default 512 image tokens; an unscaled 1280x960 photo is 1,564. */
    max_pixels: int()
      .gte(PIXELS_PER_IMAGE_TOKEN)
      .default(512 * PIXELS_PER_IMAGE_TOKEN),
    /** An image over max_pixels: downscale it (and say so), or refuse the run naming each item. */
    oversize: z.enum(IMAGE_OVERSIZE).default('resize'),
  })
  .superRefine((images, ctx) => {
    if (images.min_pixels > images.max_pixels) {
      ctx.addIssue({ code: 'custom', path: ['min_pixels'], message: `must be <= max_pixels (${images.max_pixels})` });
    }
  });

/** Everything a user chooses for a run; the core adds the model, dataset and output folder. */
export const RunSettings = z.strictObject({
  lora: LoraSection.default(() => LoraSection.parse({})),
  method: z.enum(RUN_METHODS).default('cpgd'),
  cpgd: CpgdSection.default(() => CpgdSection.parse({})),
  stages: Stages,
  reward: RewardSection.default(() => RewardSection.parse({})),
  rollouts_per_prompt: int().gte(2).default(8),
  prompts_per_step: int().gte(1).default(4),
  max_prompt_length: int().gt(0).default(1024),
  max_completion_length: int().gt(0).default(512),
  temperature: z.number().gt(0).default(1),
  learning_rate: z.number().gt(0).default(1e-5),
  seed: int().gte(0).default(0),
  device: z.enum(RUN_DEVICES).default('auto'),
  checkpoint_every: int().gt(0).default(50),
  /** Checkpoints kept per stage (older ones deleted); null keeps all. */
  save_total_limit: int().gt(0).nullable().default(null),
  images: ImagesSection.default(() => ImagesSection.parse({})),
  logging: z.strictObject({ sample_every: int().gt(0).default(10) }).default({ sample_every: 10 }),
  /** Probes during training (optional). */
  probe: ProbeSettings.nullable().default(null),
});
export type RunSettings = z.infer<typeof RunSettings>;
export type RunSettingsInput = z.input<typeof RunSettings>;

/** The whole document the worker reads (`python -m cosmo_rl.train --config config.json`). */
export const RunConfig = RunSettings.extend({
  schema_version: z.literal(1),
  model: ModelSection,
  /** Dataset snapshot folder (manifest.json, items.jsonl, images/). */
  dataset: z.string().min(1),
  /** Run output folder: checkpoints, metrics, logs. */
  output_dir: z.string().min(1),
  probe: ProbeSection.nullable().default(null),
});
export type RunConfig = z.infer<typeof RunConfig>;
