/**
 * Who is working: the studio's info, the people, and the current annotator (remembered in
 * localStorage so the same person does not have to pick their profile at every start).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioInfo } from '../../../preload/contract/api';
import type { Role, User } from '../../../preload/contract/domain';
import type { ConnectionState } from '../api';
import { useStudio } from '../composables/useStudio';

const USER_KEY = 'cosmo-studio.annotatorId';

export const useSession = defineStore('session', () => {
  const client = useStudio();
  const info = ref<StudioInfo | null>(null);
  const users = ref<User[]>([]);
  const currentUserId = ref<number | null>(Number(localStorage.getItem(USER_KEY)) || null);
  const connection = ref<ConnectionState>('connecting');
  client.onConnection((state) => {
    connection.value = state;
  });

  const currentUser = computed(() => users.value.find((user) => user.id === currentUserId.value) ?? null);

  async function load(): Promise<void> {
    const [nextInfo, nextUsers] = await Promise.all([client.api.getInfo({}), client.api.listUsers({})]);
    info.value = nextInfo;
    users.value = nextUsers;
    if (currentUserId.value !== null && !nextUsers.some((user) => user.id === currentUserId.value)) choose(null);
  }

  async function refreshInfo(): Promise<void> {
    info.value = await client.api.getInfo({});
  }

  function choose(userId: number | null): void {
    currentUserId.value = userId;
    if (userId === null) localStorage.removeItem(USER_KEY);
    else localStorage.setItem(USER_KEY, String(userId));
  }

  async function createUser(name: string, role: Role): Promise<User> {
    const user = await client.api.createUser({ name, role });
    users.value = [...users.value, user];
    choose(user.id);
    return user;
  }

  async function updateUser(userId: number, patch: { name?: string; role?: Role }): Promise<void> {
    const updated = await client.api.updateUser({ userId, ...patch });
    users.value = users.value.map((user) => (user.id === updated.id ? updated : user));
  }

  return { info, users, currentUserId, currentUser, connection, load, refreshInfo, choose, createUser, updateUser };
});
