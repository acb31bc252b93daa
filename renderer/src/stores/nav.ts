/** Where the user is: the typed view of vue-router's current location, and leave guards. */
import { defineStore } from 'pinia';
import { computed } from 'vue';
import { useRouter } from 'vue-router';
import { formatRoute, type Route } from '../composables/routes';
import { routeOf } from '../router';

/** Unsaved work on the current screen: leaving it asks first. */
export interface LeaveGuard {
  unsaved: () => boolean;
  /** The question asked before the work is thrown away. */
  question: string;
}

/** The router path of a typed route (formatRoute gives the `#/...` hash). */
export function routePath(route: Route): string {
  return formatRoute(route).slice(1);
}

export const useNav = defineStore('nav', () => {
  const router = useRouter();
  const route = computed<Route>(() => routeOf(router.currentRoute.value));
  const guards = new Set<LeaveGuard>();

  /** True when no screen holds unsaved work, or the user agreed to drop it. */
  function mayLeave(): boolean {
    for (const guard of guards) if (guard.unsaved() && !window.confirm(guard.question)) return false;
    return true;
  }

  // Every navigation (links, back/forward, an edited address, go()) asks the screens first;
  // vue-router puts the address back when a guard refuses.
  router.beforeEach((to, from) => {
    if (formatRoute(routeOf(to)) === formatRoute(routeOf(from))) return true;
    return mayLeave();
  });

  function go(next: Route): void {
    void router.push(routePath(next));
  }

  /** Registers a screen's unsaved work; call the returned function when the screen goes away. */
  function guardLeaving(guard: LeaveGuard): () => void {
    guards.add(guard);
    return () => {
      guards.delete(guard);
    };
  }

  const projectId = computed(() => (route.value.name === 'start' ? null : route.value.projectId));
  return { route, projectId, go, guardLeaving };
});
