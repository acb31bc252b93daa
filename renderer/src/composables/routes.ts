/**
 * Hash routes, so a reload (or a link shared on the same server) lands on the same screen.
 * Pure functions: parse and format are tested without a DOM.
 */
import { formatTrainRoute, parseTrainRoute, type TrainRoute } from '../views/training/trainRoute';
import { formatCompareRoute, parseCompareRoute, type CompareRoute } from '../views/compare/compareRoute';
export const PROJECT_TABS = ['overview', 'import', 'export', 'settings', 'quality'] as const;
export type ProjectTab = (typeof PROJECT_TABS)[number];

export type Route =
  | { name: 'start' }
  | { name: 'project'; projectId: number; tab: ProjectTab }
  | { name: 'label'; projectId: number }
  | { name: 'judge'; projectId: number }
  | { name: 'vote'; projectId: number }
  | { name: 'review'; projectId: number }
  | { name: 'browse'; projectId: number; itemId: number | null }
  | TrainRoute
  | CompareRoute;

const positiveInt = (text: string | undefined): number | null => {
  if (!text || !/^[1-9][0-9]{0,9}$/.test(text)) return null;
  return Number(text);
};

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] !== 'p') return { name: 'start' };
  const projectId = positiveInt(parts[1]);
  if (projectId === null) return { name: 'start' };
  const section = parts[2];
  if (section === 'label') return { name: 'label', projectId };
  if (section === 'judge') return { name: 'judge', projectId };
  if (section === 'vote') return { name: 'vote', projectId };
  if (section === 'review') return { name: 'review', projectId };
  if (section === 'train') return parseTrainRoute(projectId, parts.slice(3));
  if (section === 'compare') return parseCompareRoute(projectId, parts.slice(3));
  if (section === 'browse') return { name: 'browse', projectId, itemId: parts[3] === 'item' ? positiveInt(parts[4]) : null };
  const tab = PROJECT_TABS.find((candidate) => candidate === section) ?? 'overview';
  return { name: 'project', projectId, tab };
}

export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'start':
      return '#/';
    case 'project':
      return route.tab === 'overview' ? `#/p/${route.projectId}` : `#/p/${route.projectId}/${route.tab}`;
    case 'label':
      return `#/p/${route.projectId}/label`;
    case 'judge':
      return `#/p/${route.projectId}/judge`;
    case 'vote':
      return `#/p/${route.projectId}/vote`;
    case 'review':
      return `#/p/${route.projectId}/review`;
    case 'browse':
      return route.itemId === null ? `#/p/${route.projectId}/browse` : `#/p/${route.projectId}/browse/item/${route.itemId}`;
    case 'train':
      return formatTrainRoute(route);
    case 'compare':
      return formatCompareRoute(route);
  }
}
