import { isProxy, toRaw } from 'vue';

/** The same data without Vue's proxies, at every depth (a spread of reactive state keeps proxied arrays inside). */
function deepRaw(value: unknown): unknown {
  const raw = isProxy(value) ? toRaw(value) : value;
  if (Array.isArray(raw)) return raw.map(deepRaw);
  if (raw !== null && typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([key, inner]) => [key, deepRaw(inner)]));
  return raw;
}

/**
 * A deep copy of contract data held in reactive state. structuredClone refuses Vue's proxies, and
 * `{ ...labels, rationale }` built from reactive labels holds a proxied visualCues array, so
 * toRaw on the outer object alone is not enough.
 */
export function plainCopy<T>(value: T): T {
  return structuredClone(deepRaw(value)) as T;
}
