/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: electron-builder require()s its hooks */
/**
 * electron-builder `beforePack` hook: refuses to package when a native module the desktop app
 * loads is not built for the Electron being packaged, instead of shipping an app that cannot
 * open its database. Nothing is built or downloaded here (packaging machines may be offline):
 * - better-sqlite3 uses V8's C++ API, so it needs a build per Electron ABI. postinstall
 *   (build-electron-native.mjs) makes it in node_modules/.studio-electron/ and stamps it with the
 *   Electron version, platform and arch; that stamp must match what is being packaged.
 * - onnxruntime-node and sharp are Node-API modules: one prebuilt binary serves every Electron
 *   ABI, so they only have to be present for the target platform and arch.
 * CommonJS so electron-builder can `require` it from this ESM package.
 */
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

// electron-builder's Arch enum (builder-util): ia32, x64, armv7l, arm64, universal.
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Why packaging for (platform, arch) with this Electron would ship a broken native module; empty when nothing. */
function nativeModuleProblems({ root, electronVersion, platform, arch }) {
  const problems = [];
  const rebuild = "run `node scripts/build-electron-native.mjs` on a machine with the Electron binary and a compiler (it needs Electron's headers)";
  const stampFile = join(root, 'node_modules', '.studio-electron', 'stamp.json');
  const binding = join(root, 'node_modules', '.studio-electron', 'better_sqlite3.node');
  if (!existsSync(binding) || !existsSync(stampFile)) {
    problems.push(`better-sqlite3 has no Electron build (node_modules/.studio-electron/): ${rebuild}`);
  } else {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    const built = `Electron ${stamp.electron} ${stamp.platform}-${stamp.arch}`;
    const wanted = `Electron ${electronVersion} ${platform}-${arch}`;
    if (built !== wanted) problems.push(`better-sqlite3 was built for ${built}, but this package is ${wanted}: ${rebuild}`);
  }
  const ortBin = join(root, 'node_modules', 'onnxruntime-node', 'bin');
  const napi = existsSync(ortBin) ? readdirSync(ortBin).filter((d) => d.startsWith('napi-v')) : [];
  if (!napi.some((d) => existsSync(join(ortBin, d, platform, arch, 'onnxruntime_binding.node')))) {
    problems.push(`onnxruntime-node has no Node-API binary for ${platform}-${arch} (node_modules/onnxruntime-node/bin/napi-v*/${platform}/${arch}/)`);
  }
  if (!existsSync(join(root, 'node_modules', '@img', `sharp-${platform}-${arch}`))) {
    problems.push(`sharp has no prebuilt package for ${platform}-${arch} (node_modules/@img/sharp-${platform}-${arch}); install it with npm for that platform`);
  }
  return problems;
}

async function beforePack(context) {
  const root = resolve(__dirname, '..');
  const electronVersion = context.packager?.config?.electronVersion ?? JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const problems = nativeModuleProblems({ root, electronVersion, platform, arch });
  if (problems.length > 0) throw new Error(`Cannot package for ${platform}-${arch}:\n- ${problems.join('\n- ')}`);
}

module.exports = { beforePack, nativeModuleProblems, ARCH_NAMES };
