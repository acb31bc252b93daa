import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { zodWithoutJsonSchema } from './scripts/zod-without-json-schema';

// One build for both hosts: main/ bundles the Electron host, the CLI/server and the benchmark as
// separate entries over the same core; preload and renderer are built for the desktop window,
// and the renderer bundle is also what `studio serve` hands to browsers.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve(__dirname, 'main/electron/index.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
          bench: resolve(__dirname, 'main/bench/index.ts'),
          'bench-training': resolve(__dirname, 'main/bench/training-overhead.ts'),
          'bench-evaluation': resolve(__dirname, 'main/bench/evaluation.ts'),
          'bench-responses': resolve(__dirname, 'main/bench/responses.ts'),
          'bench-preferences': resolve(__dirname, 'main/bench/preferences.ts'),
          'bench-inference': resolve(__dirname, 'main/bench/inference.ts'),
          'bench-server': resolve(__dirname, 'main/bench/server-latency.ts'),
          // The learned verifier's scoring thread: main/inference/scorer.ts starts it beside the bundle.
          'inference-worker': resolve(__dirname, 'main/inference/score-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { bridge: resolve(__dirname, 'preload/bridge.ts') },
        // A sandboxed preload cannot load ES modules or other files: one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    // Relative asset URLs work both from app://studio/ in the desktop window and at / under `studio serve`.
    base: './',
    // zodWithoutJsonSchema: the renderer validates with zod but never converts a schema to JSON Schema.
    plugins: [vue(), zodWithoutJsonSchema()],
    // Composition API only (the house rule): Vue's Options API support is left out of the bundle.
    define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; `studio serve` sends it over the network.
      minify: 'esbuild',
      cssMinify: true,
      // Print each chunk's size (and gzip) on every build: the labelling route should stay small.
      reportCompressedSize: true,
      sourcemap: process.env.STUDIO_SOURCEMAP === '1',
      // .vite/manifest.json: scripts/route-sizes.mjs adds up what each screen loads.
      manifest: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
