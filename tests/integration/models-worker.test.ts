/**
 * Merge, export and chat through the real worker on the tiny Qwen2-VL: a LoRA checkpoint (random
 * non-zero adapter weights) merges into a folder that is registered as a base model, loads alone
 * and answers a chat message with an image; an export writes a safetensors folder; the chat of a
 * checkpoint loads base + adapter. Interpreter: tests/helpers/python.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../preload/contract/events';
import { openTempCore, type TempCore } from '../helpers/core';
import { workerPython, WORKER_DIR } from '../helpers/python';
import { makeTempDir, type TempDir } from '../helpers/tempdir';

const python = workerPython('torch, transformers, peft');

const MAKE_ADAPTER = `
import sys, torch
from peft import LoraConfig, get_peft_model
from transformers import Qwen2VLForConditionalGeneration
model = Qwen2VLForConditionalGeneration.from_pretrained(sys.argv[1], dtype=torch.float32)
peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], exclude_modules=r".*\\bvisual\\b.*"))
torch.manual_seed(0)
with torch.no_grad():
    for name, p in peft_model.named_parameters():
        if "lora_B" in name: p.normal_(0, 0.5)
peft_model.save_pretrained(sys.argv[2])
`;

// A 56x56 red PNG (the tiny processor's one image size).
const RED_PNG = (() => {
  const out = execFileSync(
    python ?? 'python3',
    ['-c', 'import io,base64\nfrom PIL import Image\nb=io.BytesIO(); Image.new("RGB",(56,56),(200,30,30)).save(b,"PNG"); print(base64.b64encode(b.getvalue()).decode())'],
    { cwd: WORKER_DIR },
  );
  return `data:image/png;base64,${out.toString().trim()}`;
})();

describe.skipIf(!python)('models through the worker', () => {
  let t: TempCore;
  let exportDir: TempDir;
  let checkpointId = 0;
  const events: StudioEvent[] = [];

  beforeAll(async () => {
    t = await openTempCore();
    exportDir = makeTempDir();
    t.core.events.subscribe((e) => events.push(e));
    const tiny = await t.call('buildTinyModel', {});
    const project = await t.call('createProject', { name: 'chat' });
    const w = t.core.context.db.write;
    const runId = w
      .prepare<{ id: number }>(
        `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, created_at)
         VALUES (?, ?, 'quick · tiny', 'quick', 'r1', '{}', 'h', 3, 'completed', 3, 'x') RETURNING id`,
      )
      .get(project.id, tiny.id)!.id;
    const adapter = join(t.dataDir, 'runs', 'r1', 'output', 'checkpoint-3');
    execFileSync(python!, ['-c', MAKE_ADAPTER, tiny.path, adapter], { cwd: WORKER_DIR, env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' } });
    checkpointId = w
      .prepare<{ id: number }>(
        `INSERT INTO model (kind, source, name, path, family, info, status, parent_id, run_id, step, created_at) VALUES ('checkpoint', 'run', 'quick · tiny · stage1 step 3', ?, 'qwen2_vl', '{"vision":true}', 'ready', ?, ?, 3, 'x') RETURNING id`,
      )
      .get(adapter, tiny.id, runId)!.id;
  }, 600_000);

  afterAll(() => {
    t?.close();
    exportDir?.cleanup();
  });

  it('merges a checkpoint into a registered base model that chats with an image', async () => {
    const merged = await t.call('mergeModel', { modelId: checkpointId });
    expect(merged).toMatchObject({ kind: 'base', source: 'local', name: 'quick · tiny · stage1 step 3 (merged)', family: 'qwen2_vl', supported: true, vision: true, parentModelId: checkpointId });
    expect(merged.path.startsWith(join(t.dataDir, 'models', 'merged'))).toBe(true);
    expect(readdirSync(merged.path).some((f) => f.endsWith('.safetensors'))).toBe(true);
    expect(existsSync(join(merged.path, 'adapter_config.json'))).toBe(false);
    const stages = events.filter((e) => e.type === 'model.job' && e.job === 'merge').map((e) => (e.type === 'model.job' ? e.stage : ''));
    expect(stages).toEqual(['load', 'adapter', 'save', 'check', 'done']);
    expect((await t.call('listBaseModels', {})).map((m) => m.id)).toContain(merged.id);

    const reply = await t.call('chatWithModel', { modelId: merged.id, turns: [{ role: 'user', text: 'What colour is this?' }], image: RED_PNG, maxNewTokens: 5, temperature: 0 });
    expect(reply.completionTokens).toBeGreaterThan(0);
    expect(reply.promptTokens).toBeGreaterThan(4); // the image's 4 tokens and the text
    expect(readdirSync(join(t.dataDir, 'chat'))).toEqual([]);
  }, 600_000);

  it('chats with the checkpoint itself (base + adapter) and refuses a conversation ending with the model', async () => {
    const reply = await t.call('chatWithModel', {
      modelId: checkpointId,
      turns: [
        { role: 'user', text: 'Hello' },
        { role: 'assistant', text: 'Hi' },
        { role: 'user', text: 'Again?' },
      ],
      maxNewTokens: 4,
      temperature: 0,
    });
    expect(reply.completionTokens).toBeGreaterThan(0);
    await expect(t.call('chatWithModel', { modelId: checkpointId, turns: [{ role: 'assistant', text: 'Hi' }] })).rejects.toThrow(/end with a user message/);
  }, 600_000);

  it('exports a safetensors folder, refusing a folder that exists with the worker-side sentence', async () => {
    const folder = join(exportDir.path, 'exported');
    const result = await t.call('exportModel', { modelId: checkpointId, folder });
    expect(result.path).toBe(folder);
    expect(result.files).toContain('config.json');
    expect(result.files.some((f) => f.endsWith('.safetensors'))).toBe(true);
    expect(result.sizeBytes).toBeGreaterThan(1000);
    await expect(t.call('exportModel', { modelId: checkpointId, folder })).rejects.toThrow(/already exists/);
    await expect(t.call('mergeModel', { modelId: (await t.call('listBaseModels', {}))[0]!.id })).rejects.toThrow(/not a LoRA checkpoint/);
  }, 600_000);
});
