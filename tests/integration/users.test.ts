import { describe, expect, it } from 'vitest';
import { StudioError } from '../../preload/contract/errors.js';
import { useTempCore } from '../helpers/core.js';

const t = useTempCore();

describe('users', () => {
  it('creates, lists and updates users with roles', async () => {
    const ada = await t().call('createUser', { name: 'Ada', role: 'annotator' });
    const bob = await t().call('createUser', { name: '  Bob ', role: 'reviewer' });
    expect(bob.name).toBe('Bob');
    expect((await t().call('listUsers', {})).map((u) => [u.name, u.role])).toEqual([
      ['Ada', 'annotator'],
      ['Bob', 'reviewer'],
    ]);
    const promoted = await t().call('updateUser', { userId: ada.id, role: 'admin' });
    expect(promoted).toMatchObject({ id: ada.id, name: 'Ada', role: 'admin' });
    const renamed = await t().call('updateUser', { userId: ada.id, name: 'Ada L.' });
    expect(renamed).toMatchObject({ name: 'Ada L.', role: 'admin' });
  });

  it('refuses a name that differs only by case or width, naming the field', async () => {
    await t().call('createUser', { name: 'Ada', role: 'annotator' });
    for (const name of ['ada', 'ADA', 'Ａｄａ']) {
      const err = await t()
        .call('createUser', { name, role: 'admin' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StudioError);
      expect((err as StudioError).code).toBe('conflict');
      expect((err as StudioError).message).toBe('a user named "Ada" already exists');
      expect((err as StudioError).problems[0]?.field).toBe('name');
    }
    expect(await t().call('listUsers', {})).toHaveLength(1);
  });

  it('lets a user change the case of their own name but not take another name', async () => {
    const ada = await t().call('createUser', { name: 'Ada', role: 'annotator' });
    await t().call('createUser', { name: 'Bob', role: 'annotator' });
    expect((await t().call('updateUser', { userId: ada.id, name: 'ADA' })).name).toBe('ADA');
    await expect(t().call('updateUser', { userId: ada.id, name: 'bob' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reports an unknown user as not_found', async () => {
    await expect(t().call('updateUser', { userId: 99, role: 'admin' })).rejects.toMatchObject({ code: 'not_found', message: 'no user with id 99' });
  });

  it('refuses a role outside the contract before it reaches the core', async () => {
    await expect(t().call('createUser', { name: 'Eve', role: 'owner' as 'admin' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
