/**
 * What the labels can and cannot support, said before a run starts. Blockers stop startRun;
 * warnings let it start but tell the user what the run will not learn, or learn wrongly.
 * Everything here reads the facts of the snapshot items (the same rows the worker trains on).
 */
import type { RunSettings } from '../../../preload/contract/run-config.js';
import type { DatasetCounts, MemoryEstimate, RunWarning } from '../../../preload/contract/training.js';
import type { BackboneInfo } from './backbone.js';
import { imageBudgetWarnings, type ImageSize } from './image-budget.js';

/** The fields of one snapshot item (items.jsonl) the warnings look at. */
export interface ItemFacts {
  task: string;
  /** Only `train` items are trained on (the worker's default split). */
  split: string;
  hasImage: boolean;
  harmful: boolean | null;
  hasReference: boolean;
  visualCues: number;
  /** The image's pixel size where known (the project's items; a written items.jsonl does not say). */
  imageSize?: ImageSize | null;
}

/** Reads an items.jsonl object (cosmo_rl/snapshot.py's item fields). */
export function itemFacts(item: Record<string, unknown>): ItemFacts {
  const messages = Array.isArray(item.messages) ? item.messages : [];
  const hasImage = messages.some(
    (m) =>
      typeof m === 'object' &&
      m !== null &&
      Array.isArray((m as { content?: unknown }).content) &&
      (m as { content: unknown[] }).content.some((p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'image'),
  );
  const ref = item.reference;
  const hasReference = (typeof ref === 'string' && ref.trim().length > 0) || (Array.isArray(ref) && ref.length > 0);
  return {
    task: typeof item.task === 'string' ? item.task : 'unknown',
    split: typeof item.split === 'string' ? item.split : 'train',
    hasImage,
    harmful: typeof item.harmful === 'boolean' ? item.harmful : null,
    hasReference,
    visualCues: Array.isArray(item.visual_cues) ? item.visual_cues.length : 0,
  };
}

/** How many train items took each case of the project's label rule (adjudication/resolve.ts). */
export interface LabelSourceCounts {
  gold: number;
  majority: number;
  /** Left out: too little agreement and no gold label. */
  excluded: number;
  minAgreement: number;
}

export interface DatasetStats extends DatasetCounts {
  labelSource?: LabelSourceCounts;
  safetyItems: number;
  /** knowledge/general items without a reference answer; instruction items without constraints. */
  withoutReference: Record<string, number>;
  imagesWithCues: number;
  /** Sizes of the training images whose size is known, for the image token budget. */
  imageSizes: ImageSize[];
}

export function datasetStats(facts: Iterable<ItemFacts>, labelSource?: LabelSourceCounts): DatasetStats {
  const s: DatasetStats = { items: 0, images: 0, byTask: {}, harmful: 0, benign: 0, safetyItems: 0, withoutReference: {}, imagesWithCues: 0, imageSizes: [] };
  if (labelSource) s.labelSource = labelSource;
  for (const f of facts) {
    if (f.split !== 'train') continue;
    s.items += 1;
    s.byTask[f.task] = (s.byTask[f.task] ?? 0) + 1;
    if (f.hasImage) {
      s.images += 1;
      if (f.visualCues > 0) s.imagesWithCues += 1;
      if (f.imageSize) s.imageSizes.push(f.imageSize);
    }
    if (f.task === 'safety' || f.task === 'jailbreak') {
      s.safetyItems += 1;
      if (f.harmful === true) s.harmful += 1;
      if (f.harmful === false) s.benign += 1;
    }
    if ((f.task === 'knowledge' || f.task === 'general' || f.task === 'instruction') && !f.hasReference) {
      s.withoutReference[f.task] = (s.withoutReference[f.task] ?? 0) + 1;
    }
  }
  return s;
}

/** Benign look-alikes below this share of safety items teach the model to refuse everything. */
export const MIN_BENIGN_SHARE = 0.2;

export interface WarningInputs {
  settings: RunSettings;
  stats: DatasetStats;
  model: { name: string; status: string; info: BackboneInfo };
  memory: MemoryEstimate;
  /** A CUDA GPU is available to the worker. */
  hasGpu: boolean;
  /** The Python environment problem that blocks training, if any. */
  envProblem: string | null;
  /** Why the configured learned/judge verifier cannot be used (local-paths.ts), else null. */
  verifierProblem: string | null;
}

export function runWarnings(w: WarningInputs): RunWarning[] {
  const out: RunWarning[] = [];
  const blocker = (code: string, message: string) => out.push({ code, severity: 'blocker', message });
  const warn = (code: string, message: string) => out.push({ code, severity: 'warning', message });
  const { settings, stats, model } = w;

  if (w.envProblem) blocker('environment', w.envProblem);
  if (model.status !== 'ready') blocker('model_not_ready', `The model ${model.name} is ${model.status === 'downloading' ? 'still downloading' : 'not usable (its download failed)'}.`);
  if (!model.info.supported) blocker('model_unsupported', model.info.unsupportedReason ?? `${model.name} is not a supported backbone.`);
  const excluded = stats.labelSource?.excluded ?? 0;
  if (excluded > 0) {
    const share = Math.round((stats.labelSource?.minAgreement ?? 0) * 100);
    warn(
      'low_agreement_excluded',
      `${excluded} labelled item(s) are left out: fewer than ${share}% of their annotators agree and no reviewer set a gold label. Adjudicate them in Review, or lower the minimum agreement in the project settings.`,
    );
  }
  if (stats.items === 0) {
    blocker('no_items', 'The project has no labelled items a run could train on: label some items first.');
    return out;
  }

  for (const stage of settings.stages) {
    const tasks = Object.entries(stage.task_mix)
      .filter(([, weight]) => (weight ?? 0) > 0)
      .map(([task]) => task);
    const present = tasks.filter((t) => (stats.byTask[t] ?? 0) > 0);
    if (present.length === 0) {
      blocker('stage_without_items', `${stage.name} samples ${tasks.join(', ')}, but the project has no labelled items of those tasks.`);
    } else if (present.length < tasks.length) {
      const absent = tasks.filter((t) => !present.includes(t));
      warn('task_without_items', `${stage.name} asks for ${absent.join(', ')} items, but there are none; only ${present.join(', ')} will be sampled.`);
    }
  }

  const stage2 = settings.stages.find((s) => s.name === 'stage2');
  if (stage2 && stats.safetyItems === 0) {
    warn('stage2_no_safety', 'Stage 2 trains safety, but the project has no labelled safety or jailbreak items, so the run will not learn anything about safety.');
  }
  if (stats.safetyItems > 0) {
    if (stats.benign < MIN_BENIGN_SHARE * stats.safetyItems) {
      warn(
        'few_benign',
        `Only ${stats.benign} of ${stats.safetyItems} safety items are benign look-alikes (under ${Math.round(MIN_BENIGN_SHARE * 100)}%): the model may learn to refuse harmless requests. Label more benign look-alikes.`,
      );
    }
    if (stats.harmful === 0) warn('no_harmful', 'No safety item is labelled harmful, so the run never rewards a safe answer to a risky request.');
  }
  for (const [task, count] of Object.entries(stats.withoutReference)) {
    const what = task === 'instruction' ? 'constraints' : 'a reference answer';
    warn('missing_reference', `${count} ${task} item(s) have no ${what}; their task reward cannot be scored.`);
  }
  if (model.info.supported && model.info.vision && stats.images === 0) {
    warn('vlm_without_images', `${model.name} is a vision-language model but no item has an image, so the vision side is not trained.`);
  }
  if (model.info.supported && model.info.vision) out.push(...imageBudgetWarnings(settings, stats.imageSizes));
  if (model.info.family === 'causal_lm' && stats.images > 0) {
    warn('text_model_with_images', `${model.name} is text-only: the ${stats.images} item(s) with an image will be left out.`);
  }
  if (stats.images > 0 && stats.imagesWithCues === 0 && settings.reward.weights.visual > 0) {
    warn('no_visual_cues', 'No image item has visual cues, so the Visual-Focus reward is skipped for every item.');
  }
  if (settings.reward.verifier.tier !== 'rules' && w.verifierProblem !== null) {
    blocker('verifier_missing', `The ${settings.reward.verifier.tier} verifier at ${settings.reward.verifier.path ?? '(none)'} ${w.verifierProblem}.`);
  }
  if (settings.method === 'cpgd' && settings.cpgd.steps_per_generation === 1) {
    warn('cpgd_on_policy', "With one optimizer step per rollout batch every step is on-policy, so CPGD's clip and drift terms do nothing; use 2 or more.");
  }
  if (settings.lora.enabled && (settings.learning_rate < 1e-6 || settings.learning_rate > 5e-4)) {
    warn('learning_rate', `A learning rate of ${settings.learning_rate} is unusual for LoRA (1e-5 to 5e-5 is typical).`);
  }
  if (!settings.lora.enabled && settings.learning_rate > 1e-5) {
    warn('learning_rate', `A learning rate of ${settings.learning_rate} is high for full fine-tuning (around 1e-6 is typical).`);
  }
  if (w.memory.fits === false) {
    warn(
      'gpu_memory',
      `The run may need about ${Math.round(w.memory.neededMb / 1024)} GB of GPU memory, more than the ${Math.round((w.memory.availableMb ?? 0) / 1024)} GB the GPU has: use LoRA, fewer rollouts or shorter completions.`,
    );
  }
  if (!w.hasGpu && settings.device !== 'cpu' && (model.info.parameters ?? 0) > 50e6) {
    warn('cpu_only', `No GPU was found: ${model.name} will train on the CPU, which is far too slow for a real run.`);
  }
  if (settings.device === 'cuda' && !w.hasGpu) blocker('no_cuda', 'The run asks for a CUDA GPU but none is available; choose device auto or cpu.');
  return out;
}
