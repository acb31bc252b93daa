/** Events the core pushes to every connected UI (WebSocket or Electron IPC). */
import { z } from 'zod';
import { ImportJob } from './domain.js';
import { evaluationEvents } from './evaluation.js';
import { scoringEvents } from './scoring.js';
import { trainingEvents } from './training.js';
import { modelsEvents } from './models.js';
import { verifierEvents } from './verifiers.js';

export const StudioEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('import.progress'), job: ImportJob }),
  z.object({ type: z.literal('import.finished'), job: ImportJob }),
  z.object({ type: z.literal('project.changed'), projectId: z.number().int() }),
  ...trainingEvents,
  ...modelsEvents,
  ...scoringEvents,
  ...evaluationEvents,
  ...verifierEvents,
]);
export type StudioEvent = z.infer<typeof StudioEvent>;
