/** The demo-project method of StudioApi. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { createDemoProject } from './project.js';

export function demoHandlers(ctx: CoreContext): Pick<StudioHandlers, 'createDemoProject'> {
  return { createDemoProject: () => createDemoProject(ctx) };
}
