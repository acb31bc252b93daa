/**
 * How one annotator likes the labelling screen, remembered on this machine per annotator (so two
 * people sharing a browser each keep their own): a shuffled queue, and the dataset's own hints
 * ("Expected comply") hidden so they do not anchor the label.
 */
export interface LabelPrefs {
  /** Never-touched items in this annotator's own order (seeded by their id) instead of import order. */
  shuffle: boolean;
  /** Hide the "From the dataset" hints on the labelling screen. */
  hideHints: boolean;
}

const DEFAULTS: LabelPrefs = { shuffle: false, hideHints: false };

export function labelPrefsKey(annotatorId: number): string {
  return `cosmo-studio.labelPrefs.${annotatorId}`;
}

/** Reads what was stored; anything unreadable falls back to the defaults, field by field. */
export function parseLabelPrefs(raw: string | null): LabelPrefs {
  if (!raw) return { ...DEFAULTS };
  try {
    const value = JSON.parse(raw) as Partial<Record<keyof LabelPrefs, unknown>>;
    return {
      shuffle: typeof value.shuffle === 'boolean' ? value.shuffle : DEFAULTS.shuffle,
      hideHints: typeof value.hideHints === 'boolean' ? value.hideHints : DEFAULTS.hideHints,
    };
  } catch {
    return { ...DEFAULTS };
  }
}
