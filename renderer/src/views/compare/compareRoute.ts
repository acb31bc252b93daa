/**
 * The Compare tab's hash routes, kept here so the shared routes.ts only delegates:
 *   #/p/<id>/compare          evaluation split, frozen sets, evaluation runs, scoring
 *   #/p/<id>/compare/results  the comparison: rates with intervals, tests, refusal matrix
 *   #/p/<id>/compare/side     the models' responses side by side
 *   #/p/<id>/compare/arena    the blind arena's leaderboard from people's votes
 *   #/p/<id>/compare/picker   the checkpoint picker: every checkpoint against a written policy
 */
export const COMPARE_SECTIONS = ['evaluate', 'results', 'side', 'arena', 'picker'] as const;
export type CompareSection = (typeof COMPARE_SECTIONS)[number];

export type CompareRoute = { name: 'compare'; projectId: number; section: CompareSection };

/** `rest` is what follows `compare` in the hash, already split on '/'. */
export function parseCompareRoute(projectId: number, rest: readonly string[]): CompareRoute {
  const section = COMPARE_SECTIONS.find((s) => s === rest[0]) ?? 'evaluate';
  return { name: 'compare', projectId, section };
}

export function formatCompareRoute(route: CompareRoute): string {
  const base = `#/p/${route.projectId}/compare`;
  return route.section === 'evaluate' ? base : `${base}/${route.section}`;
}
