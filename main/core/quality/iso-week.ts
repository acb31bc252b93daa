/** ISO 8601 week of a UTC timestamp ("2026-W49"): weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(timestamp: string): string {
  const d = new Date(timestamp);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
