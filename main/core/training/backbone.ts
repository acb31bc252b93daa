/**
 * What a model folder is, read from its config.json without loading weights: the family the
 * worker trains (Qwen2-VL, Qwen2.5-VL, or a text-only causal LM), or a refusal that names the
 * model type; a parameter estimate; size on disk; and the GPU memory a run would need.
 *
 * The classification follows the worker's `cosmo_rl.modeling.detect_kind`: the two Qwen-VL
 * types by name; any other model with a vision tower is refused; a model whose architectures
 * end in ForCausalLM is a causal LM. The worker checks again with transformers' own tables.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryEstimate } from '../../../preload/contract/training.js';
import type { RunSettings } from '../../../preload/contract/run-config.js';

export type Family = 'qwen2_vl' | 'qwen2_5_vl' | 'causal_lm';

export interface BackboneInfo {
  modelType: string | null;
  family: Family | null;
  supported: boolean;
  unsupportedReason: string | null;
  vision: boolean;
  parameters: number | null;
  sizeBytes: number;
  /** Bytes per weight as stored (2 for bf16/fp16, 4 for fp32), when config.json says. */
  storedBytesPerParam: number | null;
}

const SUPPORTED_TEXT = 'Qwen2-VL, Qwen2.5-VL, or a text-only causal language model';

type Json = Record<string, unknown>;

function num(obj: Json | undefined, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = obj?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** Total size of the files in a folder (one level of subfolders, as hub snapshots have). */
export function folderSize(dir: string, depth = 2): number {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isFile()) total += statSync(p).size;
    else if (e.isDirectory() && depth > 0) total += folderSize(p, depth - 1);
  }
  return total;
}

/** Parameters of a decoder-only transformer from its config (attention, MLP, embeddings). */
function decoderParameters(c: Json): number | null {
  const h = num(c, 'hidden_size', 'n_embd', 'd_model');
  const layers = num(c, 'num_hidden_layers', 'n_layer', 'num_layers');
  const vocab = num(c, 'vocab_size');
  if (h === null || layers === null || vocab === null) return null;
  const inter = num(c, 'intermediate_size', 'n_inner') ?? 4 * h;
  const heads = num(c, 'num_attention_heads', 'n_head') ?? 1;
  const kvHeads = num(c, 'num_key_value_heads') ?? heads;
  const headDim = num(c, 'head_dim') ?? h / heads;
  const attn = h * heads * headDim * 2 + 2 * h * kvHeads * headDim;
  const mlp = 3 * h * inter;
  const tied = c.tie_word_embeddings === true;
  return layers * (attn + mlp) + vocab * h * (tied ? 1 : 2);
}

function visionParameters(v: Json): number {
  const d = num(v, 'embed_dim', 'hidden_size') ?? 0;
  const depth = num(v, 'depth', 'num_hidden_layers') ?? 0;
  const ratio = num(v, 'mlp_ratio') ?? 4;
  const inter = num(v, 'intermediate_size') ?? d * ratio;
  return depth * (4 * d * d + 2 * d * inter);
}

export function inspectModelFolder(path: string): BackboneInfo {
  const configPath = join(path, 'config.json');
  const base = { sizeBytes: folderSize(path), parameters: null, vision: false, storedBytesPerParam: null };
  if (!existsSync(configPath)) {
    return { ...base, modelType: null, family: null, supported: false, unsupportedReason: `${path} has no config.json, so it is not a model folder` };
  }
  let config: Json;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as Json;
  } catch (err) {
    return { ...base, modelType: null, family: null, supported: false, unsupportedReason: `${configPath} is not valid JSON (${(err as Error).message})` };
  }
  const modelType = typeof config.model_type === 'string' ? config.model_type : null;
  const archs = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  const visionConfig = (config.vision_config ?? null) as Json | null;
  const textConfig = ((config.text_config as Json | undefined) ?? config) as Json;
  const parameters = (() => {
    const text = decoderParameters({ ...config, ...textConfig });
    if (text === null) return null;
    return text + (visionConfig ? visionParameters(visionConfig) : 0);
  })();
  const dtype = String(config.torch_dtype ?? config.dtype ?? textConfig.torch_dtype ?? textConfig.dtype ?? '');
  const storedBytesPerParam = /float32/.test(dtype) ? 4 : /(bfloat16|float16)/.test(dtype) ? 2 : null;
  const common = { sizeBytes: base.sizeBytes, parameters, storedBytesPerParam, vision: visionConfig !== null };

  let family: Family | null = null;
  if (modelType === 'qwen2_vl' || modelType === 'qwen2_5_vl') family = modelType;
  else if (!visionConfig && archs.some((a) => a.endsWith('ForCausalLM'))) family = 'causal_lm';
  if (family === null) {
    return {
      ...common,
      modelType,
      family: null,
      supported: false,
      unsupportedReason: `model type '${modelType ?? 'unknown'}' (${archs.join(', ') || 'unknown architecture'}) is not supported; supported backbones are ${SUPPORTED_TEXT}`,
    };
  }
  return { ...common, modelType, family, supported: true, unsupportedReason: null };
}

/** The layer/hidden sizes that drive activation and KV-cache memory. */
function shapeOf(path: string): { layers: number; hidden: number; kvDim: number } | null {
  try {
    const c = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as Json;
    const t = { ...c, ...((c.text_config as Json | undefined) ?? {}) };
    const hidden = num(t, 'hidden_size', 'n_embd', 'd_model');
    const layers = num(t, 'num_hidden_layers', 'n_layer');
    if (hidden === null || layers === null) return null;
    const heads = num(t, 'num_attention_heads') ?? 1;
    const kv = num(t, 'num_key_value_heads') ?? heads;
    const headDim = num(t, 'head_dim') ?? hidden / heads;
    return { layers, hidden, kvDim: kv * headDim };
  } catch {
    return null;
  }
}

const MB = 1024 * 1024;

/** A parameter count people read at a glance: 450K, 72.3M, 7.6B (a tiny model is not "0.000B"). */
export function parameterCount(params: number): string {
  if (params >= 1e9) return `${(params / 1e9).toFixed(1)}B`;
  if (params >= 1e6) return `${(params / 1e6).toFixed(1)}M`;
  if (params >= 1e3) return `${Math.round(params / 1e3)}K`;
  return String(Math.round(params));
}

/**
 * A rough GPU memory estimate: weights in bf16; LoRA adds little, full fine-tuning adds fp32
 * gradients and Adam moments; rollouts add the KV cache of every sequence of a rollout batch;
 * training adds activations of one micro-batch (gradient checkpointing on); a KL reference keeps
 * a second copy of the weights; plus the CUDA context.
 */
export function estimateGpuMemory(modelPath: string, info: BackboneInfo, settings: RunSettings, availableMb: number | null): MemoryEstimate {
  const params = info.parameters ?? (info.sizeBytes > 0 ? info.sizeBytes / (info.storedBytesPerParam ?? 2) : null);
  if (params === null) {
    return { neededMb: 0, availableMb, fits: null, basis: 'The model size is unknown (no config.json sizes and no weight files), so no estimate was made.' };
  }
  const weights = params * 2;
  const training = settings.lora.enabled ? params * 0.01 * 16 : params * 12;
  const shape = shapeOf(modelPath);
  const seqLen = settings.max_prompt_length + settings.max_completion_length;
  const sequences = settings.rollouts_per_prompt * settings.prompts_per_step;
  const kvCache = shape ? 2 * shape.layers * shape.kvDim * seqLen * sequences * 2 : 0;
  const perStep = Math.max(1, Math.ceil(sequences / settings.cpgd.steps_per_generation));
  const activations = shape ? perStep * seqLen * shape.hidden * shape.layers * 2 * 4 : 0;
  const reference = settings.cpgd.kl_beta > 0 ? weights : 0;
  const neededMb = Math.round((weights + training + kvCache + activations + reference) / MB + 1024);
  const fits = availableMb === null ? null : neededMb <= availableMb * 0.95;
  return {
    neededMb,
    availableMb,
    fits,
    basis:
      `About ${parameterCount(params)} parameters in bf16, ${settings.lora.enabled ? 'LoRA adapters' : 'full fine-tuning with Adam'}, ` +
      `the KV cache of ${sequences} rollouts of ${seqLen} tokens and 1 GB for CUDA; a rough guide, not a guarantee.`,
  };
}
