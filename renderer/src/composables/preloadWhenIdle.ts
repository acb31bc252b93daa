/**
 * Fetches code a screen may need later (a dialog's chunk) once the page is idle after its first
 * paint, so opening it then waits for nothing: the module is already evaluated and the async
 * component renders in the same task as the key press that opened it.
 */
export function preloadWhenIdle(...loaders: ReadonlyArray<() => Promise<unknown>>): void {
  // A failed fetch is not fatal here: opening the dialog imports it again and reports the error.
  const run = () => loaders.forEach((load) => load().catch(() => undefined));
  // Safari has no requestIdleCallback; a short timeout after mount serves the same purpose.
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 300);
}
