/**
 * Time an annotator actually spent on an item: counts only while the page is visible, so a
 * coffee break with the tab in the background does not inflate the figure.
 */
export interface ActiveTimer {
  restart(): void;
  elapsedMs(): number;
  dispose(): void;
}

const MAX_MS = 86_400_000;

export function createActiveTimer(now: () => number = () => performance.now(), doc: Document = document): ActiveTimer {
  let accumulated = 0;
  let since: number | null = doc.visibilityState === 'hidden' ? null : now();
  const onVisibility = () => {
    if (doc.visibilityState === 'hidden') {
      if (since !== null) accumulated += now() - since;
      since = null;
    } else if (since === null) {
      since = now();
    }
  };
  doc.addEventListener('visibilitychange', onVisibility);
  return {
    restart() {
      accumulated = 0;
      since = doc.visibilityState === 'hidden' ? null : now();
    },
    elapsedMs() {
      const total = accumulated + (since === null ? 0 : now() - since);
      return Math.min(MAX_MS, Math.max(0, Math.round(total)));
    },
    dispose() {
      doc.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
