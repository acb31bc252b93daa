/**
 * The training screens' hash routes, kept here so the shared routes.ts only delegates:
 *   #/p/<id>/train            run setup
 *   #/p/<id>/train/runs       runs of the project
 *   #/p/<id>/train/run/<run>  one run, live or past
 *   #/p/<id>/train/models     base models and checkpoints
 *   #/p/<id>/train/system     Python, GPUs, environment setup
 */
export const TRAIN_SECTIONS = ['setup', 'runs', 'models', 'system'] as const;
export type TrainSection = (typeof TRAIN_SECTIONS)[number];

export type TrainRoute = { name: 'train'; projectId: number; section: TrainSection; runId: number | null };

/** `rest` is what follows `train` in the hash, already split on '/'. */
export function parseTrainRoute(projectId: number, rest: readonly string[]): TrainRoute {
  if (rest[0] === 'run' && rest[1] && /^[1-9][0-9]{0,9}$/.test(rest[1])) return { name: 'train', projectId, section: 'runs', runId: Number(rest[1]) };
  const section = TRAIN_SECTIONS.find((s) => s === rest[0]) ?? 'setup';
  return { name: 'train', projectId, section, runId: null };
}

export function formatTrainRoute(route: TrainRoute): string {
  const base = `#/p/${route.projectId}/train`;
  if (route.runId !== null) return `${base}/run/${route.runId}`;
  return route.section === 'setup' ? base : `${base}/${route.section}`;
}
