/**
 * Where the studio keeps its data when no --data-dir is given. The CLI, `studio serve` and the
 * desktop app all use this one function, so they open the same projects.
 * $STUDIO_DATA_DIR wins; otherwise the OS's per-user application-data folder.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'cosmo-studio';

export interface DataDirEnv {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

export function defaultDataDir(where: DataDirEnv = { env: process.env, platform: process.platform, home: homedir() }): string {
  const { env, platform, home } = where;
  if (env.STUDIO_DATA_DIR) return resolve(env.STUDIO_DATA_DIR);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR_NAME);
}
