/**
 * The scoring worker thread (main/inference/score-worker.ts) bundled for tests that run from
 * sources: a worker thread cannot load TypeScript, and `npm run build` is not a test's business.
 * esbuild bundles it as CommonJS into `dir`, onnxruntime-node (native) required from this
 * checkout's node_modules by absolute path.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './server.js';

export async function bundleInferenceWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'inference-worker.cjs');
  await build({
    entryPoints: [join(REPO_ROOT, 'main/inference/score-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    outfile,
    logLevel: 'silent',
  });
  const ort = createRequire(join(REPO_ROOT, 'package.json')).resolve('onnxruntime-node');
  writeFileSync(outfile, readFileSync(outfile, 'utf8').replaceAll('require("onnxruntime-node")', `require(${JSON.stringify(ort)})`));
  return outfile;
}
