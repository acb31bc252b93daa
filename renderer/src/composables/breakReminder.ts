/**
 * The break reminder's clock: continuous labelling starts with the first submit or skip and ends
 * after a pause of IDLE_RESET_MS without one (a pause that long is a break already). The reminder
 * is due once a stretch lasts the person's chosen minutes; dismissing it starts a new stretch.
 * Pure, so the rule is tested without a DOM or timers.
 */
export const IDLE_RESET_MS = 5 * 60_000;

export interface LabellingStretch {
  /** When the current stretch began (ms), or null before any activity. */
  since: number | null;
  /** The latest submit or skip (ms). */
  last: number | null;
}

export const NO_STRETCH: LabellingStretch = { since: null, last: null };

export function noteActivity(stretch: LabellingStretch, nowMs: number): LabellingStretch {
  const resumed = stretch.last === null || nowMs - stretch.last > IDLE_RESET_MS;
  return { since: resumed ? nowMs : stretch.since, last: nowMs };
}

export function breakDue(stretch: LabellingStretch, nowMs: number, breakAfterMinutes: number): boolean {
  if (breakAfterMinutes <= 0 || stretch.since === null || stretch.last === null) return false;
  if (nowMs - stretch.last > IDLE_RESET_MS) return false;
  return nowMs - stretch.since >= breakAfterMinutes * 60_000;
}

export function dismissBreak(nowMs: number): LabellingStretch {
  return { since: nowMs, last: nowMs };
}

/** Minutes of the stretch so far, for the reminder's sentence. */
export function stretchMinutes(stretch: LabellingStretch, nowMs: number): number {
  return stretch.since === null ? 0 : Math.floor((nowMs - stretch.since) / 60_000);
}
