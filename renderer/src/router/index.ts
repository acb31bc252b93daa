/**
 * The studio's router: vue-router over hash history, so a reload, a shared link, middle-click
 * or "open in new tab" lands on the same screen in the desktop window (app://) and under
 * `studio serve` alike. Every screen is its own lazily loaded chunk: the labelling screen does
 * not load the charts of training and comparison.
 *
 * The records only match paths and pick the screen; what a path means (the typed `Route` the
 * screens and stores use) stays in composables/routes.ts, pure and tested without a DOM.
 */
import { createRouter, createWebHashHistory, type RouteComponent, type RouteLocationNormalized, type Router, type RouteRecordRaw } from 'vue-router';
import { parseRoute, type Route } from '../composables/routes';

/** The typed route of a location vue-router matched. */
export function routeOf(location: Pick<RouteLocationNormalized, 'path'>): Route {
  return parseRoute(`#${location.path}`);
}

/** The props each screen takes, from its typed route. */
export function screenProps(route: Route): Record<string, unknown> {
  switch (route.name) {
    case 'start':
      return {};
    case 'project':
      return { projectId: route.projectId, tab: route.tab };
    case 'browse':
      return { projectId: route.projectId, itemId: route.itemId };
    case 'train':
      return { projectId: route.projectId, section: route.section, runId: route.runId };
    case 'compare':
      return { projectId: route.projectId, section: route.section };
    case 'label':
    case 'judge':
    case 'vote':
    case 'review':
      return { projectId: route.projectId };
  }
}

const PROJECT = '/p/:projectId(\\d+)';

function screen(path: string, component: () => Promise<RouteComponent>): RouteRecordRaw {
  return { path, component, props: (to) => screenProps(routeOf(to)) };
}

export const ROUTES: readonly RouteRecordRaw[] = [
  screen('/', () => import('../views/StartView.vue')),
  screen(`${PROJECT}/label`, () => import('../views/LabelView.vue')),
  screen(`${PROJECT}/judge`, () => import('../views/ResponseLabelView.vue')),
  screen(`${PROJECT}/vote`, () => import('../views/PairwiseView.vue')),
  screen(`${PROJECT}/review`, () => import('../views/ReviewView.vue')),
  screen(`${PROJECT}/browse/:rest(.*)*`, () => import('../views/BrowseView.vue')),
  screen(`${PROJECT}/train/:rest(.*)*`, () => import('../views/training/TrainingView.vue')),
  screen(`${PROJECT}/compare/:rest(.*)*`, () => import('../views/compare/CompareView.vue')),
  // Overview, import, export and settings; an unknown tab shows the overview (routes.ts).
  screen(`${PROJECT}/:tab?`, () => import('../views/ProjectView.vue')),
  { path: '/:unknown(.*)*', redirect: '/' },
];

/** Made once per app in main.ts and provided with app.use; no module-level instance. */
export function createStudioRouter(): Router {
  return createRouter({ history: createWebHashHistory(), routes: [...ROUTES] });
}

/**
 * One key per screen and project: moving between a screen's sections (a run, a compare tab)
 * keeps the screen, and moving to another project or screen makes a fresh one, as before.
 */
export function screenKey(location: Pick<RouteLocationNormalized, 'path'>): string {
  const route = routeOf(location);
  return route.name === 'start' ? 'start' : `${route.name}:${route.projectId}`;
}
