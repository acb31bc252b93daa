import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain.js';
import { DEMO_PROJECT_NAME, findDemoDataDir } from '../../main/core/demo/project.js';
import { openTempCore, useTempCore } from '../helpers/core.js';

const t = useTempCore();

describe('demo project', () => {
  it('builds the demo from the bundled samples plus six drawn look-alikes, with a guide', async () => {
    expect((await t().call('getInfo', {})).firstRun).toBe(true);
    const project = await t().call('createDemoProject', {});
    expect(project.name).toBe(DEMO_PROJECT_NAME);
    expect(project.guidelines).toMatch(/^# Annotation guide/);
    expect(project.guidelines).toContain('comply_with_care');
    const [summary] = await t().call('listProjects', {});
    expect(summary).toMatchObject({ itemCount: 450 + 40 + 6, imageCount: 20 + 6 });
    const drawn = await t().call('listItems', { projectId: project.id, filter: { status: 'all', search: 'drawn-' }, limit: 50 });
    expect(drawn.total).toBe(6);
    for (const row of drawn.rows) {
      const { item } = await t().call('getItem', { itemId: row.id });
      expect(item.tags).toEqual(['drawn']);
      expect(item.image).toMatchObject({ mime: 'image/png', width: 640, height: 480 });
      expect(item.sourceLabels).toEqual({ category: 'benign look-alike', expected: 'comply' });
      // the drawing really is an image with content (not a blank canvas)
      const stats = await sharp(t().core.blobs.path(item.image!.sha256)).stats();
      expect(stats.channels[0]!.stdev).toBeGreaterThan(10);
    }
    expect((await t().call('getInfo', {})).firstRun).toBe(false);
    const again = await t().call('createDemoProject', {});
    expect(again.name).toBe(`${DEMO_PROJECT_NAME} (2)`);
  });

  it('finds demo-data above the module, and says so plainly when it is missing (leaving no empty project)', async () => {
    expect(findDemoDataDir(undefined)).toBe(join(__dirname, '../../demo-data'));
    const broken = await openTempCore({ demoDataDir: join(__dirname, 'no-such-folder') });
    try {
      await expect(broken.call('createDemoProject', {})).rejects.toMatchObject({ code: 'not_found' });
      expect(await broken.call('listProjects', {})).toEqual([]);
    } finally {
      broken.close();
    }
  });
});

describe('stats', () => {
  it('counts items, images, current labels by field and annotator, and the median time spent', async () => {
    const project = await t().call('createDemoProject', {});
    const ada = await t().call('createUser', { name: 'Ada', role: 'annotator' });
    const bo = await t().call('createUser', { name: 'Bo', role: 'annotator' });
    const { rows } = await t().call('listItems', { projectId: project.id, limit: 4 });
    const benign = { ...emptyLabels(), harmful: false, expected: 'comply' as const };
    const harmful = { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2 as const, expected: 'refuse' as const };
    await t().call('submitLabel', { itemId: rows[0]!.id, annotatorId: ada.id, labels: benign, timeSpentMs: 1000 });
    await t().call('submitLabel', { itemId: rows[1]!.id, annotatorId: ada.id, labels: harmful, timeSpentMs: 3000 });
    await t().call('submitLabel', { itemId: rows[0]!.id, annotatorId: bo.id, labels: benign, timeSpentMs: 8000 });
    await t().call('submitLabel', { itemId: rows[2]!.id, annotatorId: bo.id, labels: benign, timeSpentMs: 9000 });
    await t().call('undoLastSubmit', { projectId: project.id, annotatorId: bo.id });
    await t().call('setFlag', { itemId: rows[3]!.id, annotatorId: ada.id, flagged: true, note: '' });
    const stats = await t().call('getStats', { projectId: project.id });
    expect(stats).toMatchObject({ items: 496, images: 26, labels: 3, labelledItems: 2, flagged: 1, medianTimeSpentMs: 3000 });
    expect(stats.byField.harmful).toEqual({ false: 2, true: 1 });
    expect(stats.byField.riskCategory).toEqual({ unset: 2, hate: 1 });
    expect(stats.byField.expected).toEqual({ comply: 2, refuse: 1 });
    expect(stats.byAnnotator).toEqual({ Ada: 2, Bo: 1 });
    expect(stats.byField.task).toEqual({ safety: 450 + 20 + 6, jailbreak: 20 });
    expect(stats.byField.split).toEqual({ train: 496 });
    await expect(t().call('getStats', { projectId: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
