/**
 * Maps a dataset's own category names onto the project's risk taxonomy, only to decide which
 * imported items are sensitive (their image stays blurred until clicked). The dataset's category
 * itself is kept verbatim in item.sourceLabels as a hint; it never becomes one of our labels.
 *
 * A category is first folded to a slug (lower case, runs of other characters -> "_"). A slug
 * that is already a risk category of the project maps to itself; otherwise the table below maps
 * common dataset names (FigStep SafeBench, BeaverTails, MM-SafetyBench style) to the default
 * MLCommons hazard categories. Names that describe a *benign* prompt type (XSTest's
 * "homonyms", "safe_contexts", ...) map to nothing.
 */

export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  // violent crimes
  violence: 'violent_crimes',
  violent_crime: 'violent_crimes',
  physical_harm: 'violent_crimes',
  terrorism: 'violent_crimes',
  // non-violent crimes
  illegal_activity: 'non_violent_crimes',
  illegal_activities: 'non_violent_crimes',
  fraud: 'non_violent_crimes',
  malware: 'non_violent_crimes',
  malware_generation: 'non_violent_crimes',
  cybercrime: 'non_violent_crimes',
  drugs: 'non_violent_crimes',
  // sexual content and crimes
  adult_content: 'sexual_content',
  sexual: 'sexual_content',
  pornography: 'sexual_content',
  sex_crimes: 'sex_related_crimes',
  csam: 'child_sexual_exploitation',
  child_abuse: 'child_sexual_exploitation',
  // weapons
  weapons: 'indiscriminate_weapons',
  cbrn: 'indiscriminate_weapons',
  // self-harm
  self_harm: 'suicide_and_self_harm',
  suicide: 'suicide_and_self_harm',
  // hate
  hate_speech: 'hate',
  discrimination: 'hate',
  // privacy, IP, defamation, elections
  privacy_violation: 'privacy',
  copyright: 'intellectual_property',
  political_lobbying: 'elections',
  election: 'elections',
  // advice that needs a professional
  legal_opinion: 'specialized_advice',
  financial_advice: 'specialized_advice',
  health_consultation: 'specialized_advice',
  medical_advice: 'specialized_advice',
};

export function categorySlug(category: string): string {
  return category
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The project's risk category a dataset category stands for, or null when none. */
export function mapCategory(category: string, riskCategories: readonly string[]): string | null {
  const slug = categorySlug(category);
  if (riskCategories.includes(slug)) return slug;
  const alias = CATEGORY_ALIASES[slug];
  return alias !== undefined && riskCategories.includes(alias) ? alias : null;
}
