/** getInfo: what the UI needs on start (version, host, data folder, whether this is a first run). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';

export function infoHandlers(ctx: CoreContext): Pick<StudioHandlers, 'getInfo'> {
  return {
    getInfo: () => ({
      version: ctx.options.version,
      host: ctx.options.host,
      dataDir: ctx.paths.root,
      firstRun: ctx.db.read.prepare('SELECT 1 FROM project LIMIT 1').get() === undefined,
    }),
  };
}
