/**
 * What only the person at this machine may do. trust_remote_code (the model folder's own Python
 * runs in the worker) is turned on only by a local caller: the desktop app after a dialog naming
 * the folder, or `studio train --trust-remote-code`. Over `studio serve` it is refused, and the
 * errors for local model and verifier paths are one uniform sentence, so the server API cannot be
 * used to probe which paths exist on the machine.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCaller } from '../../main/core/context';
import { createTraining } from '../../main/core/training/service';
import { openTempCore, type TempCore } from '../helpers/core';
import { startTestServer } from '../helpers/server';
import { makeTempDir } from '../helpers/tempdir';
import { labelledProject } from './training-project';

const WORKER_DIR = resolve(__dirname, '../../native-models');
const QWEN_CONFIG = { model_type: 'qwen2_vl', architectures: ['Qwen2VLForConditionalGeneration'], vision_config: {} };

const dir = makeTempDir();
const paths = {
  model: join(dir.path, 'model'),
  missing: join(dir.path, 'no-such-folder'),
  file: join(dir.path, 'a-file.txt'),
  empty: join(dir.path, 'empty-folder'),
  badJson: join(dir.path, 'bad-json'),
  locked: join(dir.path, 'locked'),
};

beforeAll(() => {
  mkdirSync(paths.model);
  writeFileSync(join(paths.model, 'config.json'), JSON.stringify(QWEN_CONFIG));
  writeFileSync(paths.file, 'not a model');
  mkdirSync(paths.empty);
  mkdirSync(paths.badJson);
  writeFileSync(join(paths.badJson, 'config.json'), '{ not json');
  mkdirSync(paths.locked);
  writeFileSync(join(paths.locked, 'config.json'), JSON.stringify(QWEN_CONFIG));
  chmodSync(paths.locked, 0o000);
});

afterAll(() => {
  chmodSync(paths.locked, 0o700);
  dir.cleanup();
});

let open: TempCore[] = [];
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});
async function core(localCaller?: LocalCaller): Promise<TempCore> {
  const t = await openTempCore(localCaller ? { localCaller } : {});
  open.push(t);
  return t;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toBeInstanceOf(Error);
  return (err as Error).message;
}

describe('trust_remote_code', () => {
  it('is refused over the server API with a clear sentence, and nothing is registered', async () => {
    const server = await startTestServer({ mode: 'in-process', rendererDir: null });
    try {
      for (const input of [
        { source: 'local' as const, path: paths.model, trustRemoteCode: true },
        { source: 'hub' as const, hubId: 'test-org/some-model', trustRemoteCode: true },
      ]) {
        const message = await failure(server.call('addBaseModel', input));
        expect(message).toMatch(/trust_remote_code/);
        expect(message).toMatch(/desktop app/);
        expect(message).toMatch(/studio train --trust-remote-code/);
      }
      expect(await server.call('listBaseModels', {})).toEqual([]);
      // Without it, the same folder registers as usual, with trust off.
      const model = await server.call('addBaseModel', { source: 'local', path: paths.model });
      expect(model.trustRemoteCode).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('is turned on by a local caller that confirms, after being asked with the folder named', async () => {
    const asked: Array<{ name: string; folder: string }> = [];
    const t = await core({ confirmTrustRemoteCode: async (model) => (asked.push(model), true) });
    const model = await t.call('addBaseModel', { source: 'local', path: paths.model, trustRemoteCode: true });
    expect(model.trustRemoteCode).toBe(true);
    expect(asked).toEqual([{ name: 'model', folder: paths.model }]);
    expect((await t.call('listBaseModels', {}))[0]?.trustRemoteCode).toBe(true);
  });

  it('stays off when the local caller declines, and a re-add without it asks nothing', async () => {
    const asked: string[] = [];
    const t = await core({ confirmTrustRemoteCode: async (model) => (asked.push(model.folder), false) });
    const message = await failure(t.call('addBaseModel', { source: 'local', path: paths.model, trustRemoteCode: true }));
    expect(message).toMatch(/not confirmed/);
    expect(await t.call('listBaseModels', {})).toEqual([]);
    const model = await t.call('addBaseModel', { source: 'local', path: paths.model });
    expect(model.trustRemoteCode).toBe(false);
    expect(asked).toEqual([paths.model]);
  });

  it('is turned on for a folder already registered without it, once confirmed', async () => {
    const t = await core({ confirmTrustRemoteCode: async () => true });
    const first = await t.call('addBaseModel', { source: 'local', path: paths.model });
    expect(first.trustRemoteCode).toBe(false);
    const again = await t.call('addBaseModel', { source: 'local', path: paths.model, trustRemoteCode: true });
    expect(again.id).toBe(first.id);
    expect(again.trustRemoteCode).toBe(true);
  });
});

describe('local model paths over the server', () => {
  const bad = () => [paths.missing, paths.file, paths.empty, paths.badJson];

  it('fail with one uniform sentence, whether the folder is missing, a file, empty or broken', async () => {
    const t = await core();
    const messages = [];
    for (const path of bad()) messages.push((await failure(t.call('addBaseModel', { source: 'local', path }))).replace(path, '<path>'));
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toMatch(/^No model folder this studio can use at <path>/);
    // An unreadable folder (only meaningful when the tests do not run as root) says the same.
    if (process.getuid?.() !== 0) {
      const locked = await failure(t.call('addBaseModel', { source: 'local', path: paths.locked }));
      expect(locked.replace(paths.locked, '<path>')).toBe(messages[0]);
    }
  });

  it('keep their precise reasons for a local caller (the desktop app, the CLI)', async () => {
    const t = await core({ confirmTrustRemoteCode: async () => false });
    const messages = [];
    for (const path of bad()) messages.push((await failure(t.call('addBaseModel', { source: 'local', path }))).replace(path, '<path>'));
    expect(new Set(messages).size).toBe(bad().length);
    expect(messages[0]).toMatch(/does not exist/);
    expect(messages[1]).toMatch(/is not a folder/);
    expect(messages[2]).toMatch(/no config\.json/);
  });

  it('as verifier paths, give one uniform blocker whether missing or not a verifier', async () => {
    const t = await core();
    const training = createTraining(t.core.context, { envPython: join(dir.path, 'missing-python'), workerDir: WORKER_DIR });
    try {
      const projectId = await labelledProject(t);
      const model = await training.handlers.addBaseModel({ source: 'local', path: paths.model, trustRemoteCode: false });
      const preview = (await training.handlers.previewRun({ projectId, baseModelId: model.id, preset: 'quick' })).settings;
      const blockers = [];
      for (const path of [paths.missing, paths.file, paths.empty]) {
        for (const tier of ['learned', 'judge'] as const) {
          const settings = { ...preview, reward: { ...preview.reward, verifier: { tier, path } } };
          const warnings = (await training.handlers.previewRun({ projectId, baseModelId: model.id, preset: 'quick', settings })).warnings;
          const verifier = warnings.find((w) => w.code === 'verifier_missing');
          expect(verifier, `${tier} ${path}`).toBeDefined();
          blockers.push(verifier!.message.replace(path, '<path>'));
        }
      }
      expect(new Set(blockers.map((b) => b.replace(/^The (learned|judge)/, 'The <tier>'))).size).toBe(1);
    } finally {
      training.close();
    }
  });
});
