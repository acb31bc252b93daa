/** Where the user is: mirrors location.hash both ways. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { formatRoute, parseRoute, type Route } from '../composables/routes';

export const useNav = defineStore('nav', () => {
  const route = ref<Route>(parseRoute(window.location.hash));
  window.addEventListener('hashchange', () => {
    route.value = parseRoute(window.location.hash);
  });

  function go(next: Route): void {
    const hash = formatRoute(next);
    if (window.location.hash !== hash) window.location.hash = hash;
    route.value = next;
  }

  const projectId = computed(() => (route.value.name === 'start' ? null : route.value.projectId));
  return { route, projectId, go };
});
