import { toRaw } from 'vue';

/** A deep copy of contract data held in reactive state (structuredClone refuses Vue's proxies). */
export function plainCopy<T>(value: T): T {
  return structuredClone(toRaw(value));
}
