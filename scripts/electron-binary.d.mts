/** Types of electron-binary.mjs (imported by the tests). */
export function installedElectronBinary(electronDir: string, env?: NodeJS.ProcessEnv): string | null;
export function ensureElectronBinary(electronDir: string, say: (line: string) => void, env?: NodeJS.ProcessEnv): string | null;
