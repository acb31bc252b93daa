/**
 * Quality and wellbeing settings: per project (gold rate, daily limits of harmful items per risk
 * category) and per person (categories never served, break reminder). A missing row means the
 * defaults: no gold checks mixed in, no limits, nothing skipped, no reminder.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import { PersonSettings, QualitySettings } from '../../../preload/contract/quality.js';
import { parseJson } from '../services/rows.js';

export function qualitySettings(db: ReadableDB, projectId: number): QualitySettings {
  const row = db.prepare<{ gold_rate: number; daily_limits: string }>('SELECT gold_rate, daily_limits FROM quality_settings WHERE project_id = ?').get(projectId);
  if (!row) return { goldRate: 0, dailyLimits: {} };
  return { goldRate: row.gold_rate, dailyLimits: parseJson(QualitySettings.shape.dailyLimits, row.daily_limits, `project ${projectId} daily_limits`) };
}

export function saveQualitySettings(db: WritableDB, projectId: number, settings: QualitySettings): void {
  db.prepare(
    `INSERT INTO quality_settings (project_id, gold_rate, daily_limits) VALUES (?, ?, ?)
     ON CONFLICT (project_id) DO UPDATE SET gold_rate = excluded.gold_rate, daily_limits = excluded.daily_limits`,
  ).run(projectId, settings.goldRate, JSON.stringify(settings.dailyLimits));
}

export function personSettings(db: ReadableDB, userId: number): PersonSettings {
  const row = db.prepare<{ skip_categories: string; break_after_minutes: number }>('SELECT skip_categories, break_after_minutes FROM person_settings WHERE user_id = ?').get(userId);
  if (!row) return { skipCategories: [], breakAfterMinutes: 0 };
  return {
    skipCategories: parseJson(PersonSettings.shape.skipCategories, row.skip_categories, `user ${userId} skip_categories`),
    breakAfterMinutes: row.break_after_minutes,
  };
}

export function savePersonSettings(db: WritableDB, userId: number, settings: PersonSettings): void {
  db.prepare(
    `INSERT INTO person_settings (user_id, skip_categories, break_after_minutes) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET skip_categories = excluded.skip_categories, break_after_minutes = excluded.break_after_minutes`,
  ).run(userId, JSON.stringify([...new Set(settings.skipCategories)]), settings.breakAfterMinutes);
}
