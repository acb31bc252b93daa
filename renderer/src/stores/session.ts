/**
 * Who is working: the studio's info, the people, and the current annotator (remembered in
 * localStorage so the same person does not have to pick their profile at every start).
 *
 * A person's link (`studio serve`) opens as that person: the server says who (getSession), the
 * profile is theirs and cannot be switched, and `isAdmin` hides what their role may not do (the
 * server is the real guard). The owner (printed link, desktop app) picks any profile.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioInfo } from '../../../preload/contract/api';
import type { Session } from '../../../preload/contract/access';
import type { Role, User } from '../../../preload/contract/domain';
import type { ConnectionState } from '../api';
import { useStudio } from '../composables/useStudio';

const USER_KEY = 'cosmo-studio.annotatorId';

export const useSession = defineStore('session', () => {
  const client = useStudio();
  const info = ref<StudioInfo | null>(null);
  const access = ref<Session | null>(null);
  const users = ref<User[]>([]);
  const currentUserId = ref<number | null>(Number(localStorage.getItem(USER_KEY)) || null);
  const connection = ref<ConnectionState>('connecting');
  client.onConnection((state) => {
    connection.value = state;
  });

  const currentUser = computed(() => users.value.find((user) => user.id === currentUserId.value) ?? null);
  /** False over a person's link: the profile is the link's and cannot be switched. */
  const isOwner = computed(() => access.value?.owner ?? false);
  /** What the server lets this connection do: the owner is admin; a person has their role. */
  const role = computed(() => (access.value?.owner ? 'admin' : (access.value?.user?.role ?? 'annotator')));
  const isAdmin = computed(() => role.value === 'admin');

  async function load(): Promise<void> {
    const [nextInfo, nextUsers, nextAccess] = await Promise.all([client.api.getInfo({}), client.api.listUsers({}), client.api.getSession({})]);
    info.value = nextInfo;
    users.value = nextUsers;
    access.value = nextAccess;
    // The link decides who this is; the remembered choice is the owner's alone.
    if (nextAccess.user) currentUserId.value = nextAccess.user.id;
    else if (currentUserId.value !== null && !nextUsers.some((user) => user.id === currentUserId.value)) choose(null);
  }

  async function refreshInfo(): Promise<void> {
    info.value = await client.api.getInfo({});
  }

  function choose(userId: number | null): void {
    if (!isOwner.value && access.value !== null) return;
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

  return { info, access, users, currentUserId, currentUser, isOwner, role, isAdmin, connection, load, refreshInfo, choose, createUser, updateUser };
});
