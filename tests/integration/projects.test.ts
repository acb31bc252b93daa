import { describe, expect, it } from 'vitest';
import { defaultLabelSchema } from '../../preload/contract/domain.js';
import type { StudioEvent } from '../../preload/contract/events.js';
import { openTempCore, seedCount, useTempCore } from '../helpers/core.js';

const t = useTempCore();

describe('projects', () => {
  it('creates a project with the default label schema and reports first run until then', async () => {
    expect((await t().call('getInfo', {})).firstRun).toBe(true);
    const p = await t().call('createProject', { name: 'Safety v1' });
    expect(p).toMatchObject({ name: 'Safety v1', description: '', guidelines: '', annotatorsPerItem: 1, labelSchema: defaultLabelSchema() });
    expect(await t().call('getProject', { projectId: p.id })).toEqual(p);
    const info = await t().call('getInfo', {});
    expect(info).toEqual({ version: '0.0.0-test', host: 'server', dataDir: t().core.paths.root, firstRun: false });
  });

  it('edits name, guidelines, schema and annotators per item, and emits project.changed', async () => {
    const p = await t().call('createProject', { name: 'P' });
    const seen: StudioEvent[] = [];
    t().core.events.subscribe((e) => seen.push(e));
    const schema = { riskCategories: ['hate', 'privacy'], jailbreakTypes: ['none'], sensitiveCategories: ['hate'] };
    const updated = await t().call('updateProject', {
      projectId: p.id,
      patch: { name: 'P2', guidelines: '# Be careful', labelSchema: schema, annotatorsPerItem: 3 },
    });
    expect(updated).toMatchObject({ name: 'P2', guidelines: '# Be careful', labelSchema: schema, annotatorsPerItem: 3 });
    expect(seen).toEqual([{ type: 'project.changed', projectId: p.id }]);
  });

  it('refuses a schema whose sensitive categories are outside the taxonomy or repeated', async () => {
    const p = await t().call('createProject', { name: 'P' });
    await expect(
      t().call('updateProject', {
        projectId: p.id,
        patch: { labelSchema: { riskCategories: ['hate'], jailbreakTypes: ['none'], sensitiveCategories: ['privacy'] } },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: 'labelSchema.sensitiveCategories: not among the risk categories: privacy' });
    await expect(t().call('createProject', { name: 'Q', labelSchema: { riskCategories: ['hate', 'hate'], jailbreakTypes: ['none'], sensitiveCategories: [] } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'labelSchema.riskCategories: listed more than once: hate',
    });
    expect((await t().call('getProject', { projectId: p.id })).labelSchema).toEqual(defaultLabelSchema());
  });

  it('lists projects with item, labelled and flagged counts', async () => {
    const p = await t().call('createProject', { name: 'P' });
    const [first, second] = seedCount(t().core, p.id, 3);
    const ada = await t().call('createUser', { name: 'Ada', role: 'annotator' });
    await t().call('submitLabel', {
      itemId: first!,
      annotatorId: ada.id,
      timeSpentMs: 1000,
      labels: { harmful: false, riskCategory: null, severity: null, expected: 'comply', jailbreakType: null, crossModalRisk: null, visualCues: [], referenceAnswer: null, rationale: null },
    });
    await t().call('setFlag', { itemId: second!, annotatorId: ada.id, flagged: true, note: 'odd' });
    const [summary] = await t().call('listProjects', {});
    expect(summary).toMatchObject({ id: p.id, itemCount: 3, imageCount: 0, labelledCount: 1, flaggedCount: 1 });
  });

  it('keeps projects across a reopen of the same data directory', async () => {
    const first = await openTempCore({ keepDir: true });
    await first.call('createProject', { name: 'Kept' });
    first.close();
    const again = await openTempCore({ dataDir: first.dataDir });
    try {
      expect((await again.call('listProjects', {})).map((p) => p.name)).toEqual(['Kept']);
    } finally {
      again.close();
      (await import('node:fs')).rmSync(first.dataDir, { recursive: true, force: true });
    }
  });

  it('reports an unknown project as not_found', async () => {
    await expect(t().call('getProject', { projectId: 42 })).rejects.toMatchObject({ code: 'not_found', message: 'no project with id 42' });
  });
});
