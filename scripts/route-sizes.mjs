#!/usr/bin/env node
// Prints what each screen of the renderer loads before it can show anything: the entry chunk
// plus the screen's lazy chunk and every chunk those import statically (not their own lazy
// imports), in bytes before gzip. Run after `electron-vite build` (npm run build does).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outDir = 'out/renderer';
const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8'));
const sizeOf = (file) => statSync(join(outDir, file)).size;

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) closure(imported, seen);
  return seen;
}

function bytes(keys) {
  let js = 0;
  let css = 0;
  for (const key of keys) {
    const chunk = manifest[key];
    js += sizeOf(chunk.file);
    for (const file of chunk.css ?? []) css += sizeOf(file);
  }
  return { js, css };
}

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const entry = closure(entryKey);
const screens = Object.keys(manifest).filter((key) => manifest[key].isDynamicEntry && key.includes('/views/'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
console.log('renderer: what each screen loads (JS + CSS, before gzip)');
for (const key of screens.sort()) {
  const keys = closure(key, new Set(entry));
  const { js, css } = bytes(keys);
  console.log(`${key.replace(/^.*views\//, '').padEnd(36)} JS ${kb(js)}   CSS ${kb(css)}`);
}
