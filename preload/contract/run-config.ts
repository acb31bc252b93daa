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
  dropout: z.number().gte(0).lt(1).default(0.05),
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
  logging: z.strictObject({ sample_every: int().gt(0).default(10) }).default({ sample_every: 10 }),
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
});
export type RunConfig = z.infer<typeof RunConfig>;
