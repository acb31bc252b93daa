/** Short messages in the corner: what just happened, or what went wrong and why. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ImportProblem } from '../../../preload/contract/domain';
import { StudioError } from '../api';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  problems: ImportProblem[];
}

const LIFETIME_MS: Record<ToastKind, number> = { info: 3500, success: 3500, error: 9000 };

export const useToasts = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 1;

  function push(kind: ToastKind, title: string, message = '', problems: ImportProblem[] = []): number {
    const id = nextId++;
    toasts.value.push({ id, kind, title, message, problems });
    if (toasts.value.length > 4) toasts.value.shift();
    window.setTimeout(() => dismiss(id), LIFETIME_MS[kind]);
    return id;
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  /** One line for any failure; the server's message is already written for people. */
  function error(title: string, err: unknown): void {
    if (err instanceof StudioError) push('error', title, err.message, err.problems.slice(0, 5));
    else push('error', title, err instanceof Error ? err.message : String(err));
  }

  return { toasts, push, dismiss, error, info: (t: string, m = '') => push('info', t, m), success: (t: string, m = '') => push('success', t, m) };
});
