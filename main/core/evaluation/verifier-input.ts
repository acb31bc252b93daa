/**
 * What the worker's verifiers need to know about a prompt (cosmo_rl.verifiers.ItemFields): task,
 * harmful and expected (from truth.ts: people's labels, else the dataset's hint), reference and
 * visual cues from the current labels, whether it has an image, and the prompt text (judges).
 */
import type { Item } from '../../../preload/contract/domain.js';
import type { AggregatedLabels } from '../export/aggregate.js';
import { itemTruth, type ItemTruth } from './truth.js';

export interface VerifierItemFields {
  task: Item['task'];
  harmful: boolean | null;
  expected: string | null;
  reference: string | null;
  visual_cues: string[];
  has_image: boolean;
  prompt_text: string;
  jailbreak_type: string | null;
}

export function verifierItemFields(item: Item, agg: AggregatedLabels | null): { fields: VerifierItemFields; truth: ItemTruth } {
  const truth = itemTruth(item, agg);
  const l = agg?.labels;
  return {
    truth,
    fields: {
      task: item.task,
      harmful: truth.harmful,
      expected: truth.expected,
      reference: l?.referenceAnswer?.trim() ? l.referenceAnswer : (item.sourceLabels.reference ?? null),
      visual_cues: l?.visualCues ?? [],
      has_image: item.image !== null,
      prompt_text: item.text,
      jailbreak_type: l?.jailbreakType ?? null,
    },
  };
}
