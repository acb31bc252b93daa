// Lint enforces DESIGN.md's import rules: who may import electron, better-sqlite3,
// onnxruntime-node and Node built-ins, and that only renderer/src/api/ touches a transport.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'worker_threads', 'stream', 'url'];
const electron = { name: 'electron', message: 'Only main/electron/ and preload/bridge.ts may import electron (DESIGN.md).' };
const sqlite = { name: 'better-sqlite3', message: 'Only main/core/storage/ may import better-sqlite3 (DESIGN.md).' };
const onnx = { name: 'onnxruntime-node', message: 'Only main/inference/ may import onnxruntime-node (DESIGN.md).' };
/** A relative import (one or more ../) that reaches one of main/'s sibling folders `folders`. */
const importsOf = (from, ...folders) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})/`,
  message: `main/${from} may not import main/${folders.join('/, main/')}/ (main/README.md).`,
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'native-models/**', 'tests/artifacts/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    rules: { 'vue/multi-word-component-names': 'off', 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off', 'vue/html-self-closing': 'off' },
  },
  // Prettier lays out the templates (npm run format; lint checks it): the plugin's layout rules
  // would undo it (the ones eslint-config-prettier turns off for eslint-plugin-vue).
  {
    files: ['**/*.vue'],
    rules: {
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-closing-bracket-spacing': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-quotes': 'off',
      'vue/mustache-interpolation-spacing': 'off',
      'vue/no-multi-spaces': 'off',
      'vue/no-spaces-around-equal-signs-in-attribute': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  // The core and the server/CLI host: no electron; SQLite and ONNX only in their own folders.
  // Folders of main/ import only the ones main/README.md's table allows: the core no host, the
  // server neither the CLI nor the desktop host, the hosts not each other (bench may use all).
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**', 'main/core/**', 'main/server/**', 'main/cli/**', 'main/inference/**', 'main/routes/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron, sqlite, onnx] }] },
  },
  {
    files: ['main/core/**/*.ts'],
    ignores: ['main/core/storage/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron, sqlite, onnx], patterns: [importsOf('core/', 'server', 'cli', 'electron', 'bench', 'inference', 'routes')] }] },
  },
  {
    files: ['main/core/storage/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron, onnx], patterns: [importsOf('core/', 'server', 'cli', 'electron', 'bench', 'inference', 'routes')] }] },
  },
  { files: ['main/server/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [electron, sqlite, onnx], patterns: [importsOf('server/', 'cli', 'electron', 'bench')] }] } },
  // The routes both hosts serve: no host's transport (node:http, electron), and of server/ only
  // its host-neutral helpers, so the desktop host can run them as they are.
  {
    files: ['main/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, sqlite, onnx, { name: 'node:http', message: 'main/routes/ speaks web Request/Response only (main/README.md).' }],
          patterns: [
            importsOf('routes/', 'cli', 'electron', 'bench', 'inference'),
            { regex: '^\\.\\./server/(?!(blob-files|export-files|tar|dispatch)\\.js$)', message: 'main/routes/ imports only the host-neutral helpers of main/server/ (main/README.md).' },
          ],
        },
      ],
    },
  },
  { files: ['main/cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [electron, sqlite, onnx], patterns: [importsOf('cli/', 'electron', 'bench')] }] } },
  {
    files: ['main/inference/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron, sqlite], patterns: [importsOf('inference/', 'server', 'cli', 'electron', 'bench', 'routes')] }] },
  },
  { files: ['main/electron/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [sqlite, onnx], patterns: [importsOf('electron/', 'cli', 'bench')] }] } },
  // The contract is pure TypeScript: zod and itself, nothing else.
  {
    files: ['preload/contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: 'preload/contract/ imports only zod and itself.' }] }] },
  },
  {
    files: ['preload/bridge.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!electron$|\\./contract/)', message: 'The preload bridge imports electron and the contract only.' }] }] },
  },
  // db/ holds migrations and handle types: it imports nothing outside itself.
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: 'db/ imports nothing outside db/.' }] }] },
  },
  // The renderer: DOM only, types from the contract; no Node, no electron, no main/ or db/.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, sqlite, onnx],
          patterns: [
            { group: NODE_BUILTINS, message: 'The renderer has no Node.js.' },
            { regex: '(^|/)(main|db)/', message: 'The renderer talks to the core through StudioApi only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.vue'],
    ignores: ['renderer/src/api/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Only renderer/src/api/ touches a transport.' },
        { name: 'WebSocket', message: 'Only renderer/src/api/ touches a transport.' },
        { name: 'XMLHttpRequest', message: 'Only renderer/src/api/ touches a transport.' },
      ],
      'no-restricted-properties': ['error', { object: 'window', property: 'studio', message: 'Only renderer/src/api/ touches a transport.' }],
    },
  },
);
