/** The quality-control methods (preload/contract/quality.ts): dashboard, settings, gold checks, guideline versions. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow, requireUser } from '../services/lookup.js';
import { getQualityDashboard } from './dashboard.js';
import { goldHandlers } from './gold-handlers.js';
import { guidelineHandlers } from './guidelines.js';
import { personSettings, qualitySettings, savePersonSettings, saveQualitySettings } from './settings.js';

type QualityHandlers = Pick<
  StudioHandlers,
  | 'getQualityDashboard'
  | 'getQualitySettings'
  | 'updateQualitySettings'
  | 'getPersonSettings'
  | 'updatePersonSettings'
  | 'markGoldCheck'
  | 'unmarkGoldCheck'
  | 'listGoldChecks'
  | 'listGuidelineVersions'
  | 'sendBackOutdated'
>;

export function qualityHandlers(ctx: CoreContext): QualityHandlers {
  const db = ctx.db;
  return {
    getQualityDashboard: ({ projectId }) => getQualityDashboard(ctx, projectId),
    getQualitySettings: ({ projectId }) => {
      requireProjectRow(db.read, projectId);
      return qualitySettings(db.read, projectId);
    },
    updateQualitySettings: ({ projectId, settings }) => {
      db.write.transaction(() => {
        requireProjectRow(db.write, projectId);
        saveQualitySettings(db.write, projectId, settings);
      });
      ctx.events.emit({ type: 'project.changed', projectId });
      return qualitySettings(db.read, projectId);
    },
    getPersonSettings: ({ userId }) => {
      requireUser(db.read, userId);
      return personSettings(db.read, userId);
    },
    updatePersonSettings: ({ userId, settings }) => {
      db.write.transaction(() => {
        requireUser(db.write, userId);
        savePersonSettings(db.write, userId, settings);
      });
      return personSettings(db.read, userId);
    },
    ...goldHandlers(ctx),
    ...guidelineHandlers(ctx),
  };
}
