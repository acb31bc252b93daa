/** Where the user is: mirrors location.hash both ways. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { formatRoute, parseRoute, type Route } from '../composables/routes';

/** Unsaved work on the current screen: leaving it asks first. */
export interface LeaveGuard {
  unsaved: () => boolean;
  /** The question asked before the work is thrown away. */
  question: string;
}

export const useNav = defineStore('nav', () => {
  const route = ref<Route>(parseRoute(window.location.hash));
  const guards = new Set<LeaveGuard>();

  /** True when no screen holds unsaved work, or the user agreed to drop it. */
  function mayLeave(): boolean {
    for (const guard of guards) if (guard.unsaved() && !window.confirm(guard.question)) return false;
    return true;
  }

  window.addEventListener('hashchange', () => {
    const next = parseRoute(window.location.hash);
    if (formatRoute(next) === formatRoute(route.value)) return;
    if (!mayLeave()) {
      // Back/forward or an edited address: stay, and show the current screen's address again.
      window.history.replaceState(window.history.state, '', formatRoute(route.value));
      return;
    }
    route.value = next;
  });

  function go(next: Route): void {
    const hash = formatRoute(next);
    if (hash !== formatRoute(route.value) && !mayLeave()) return;
    if (window.location.hash !== hash) window.location.hash = hash;
    route.value = next;
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
