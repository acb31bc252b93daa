/**
 * People's links (`studio serve`): an admin makes one per person, copies it to them, and revokes
 * it. The token comes back once, when the link is made; the page turns it into the address the
 * person opens (this server's origin with `?token=`), and the studio keeps only its hash.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AccessLink } from '../../../preload/contract/access';
import { useStudio } from '../composables/useStudio';

export const useAccessLinks = defineStore('accessLinks', () => {
  const client = useStudio();
  const links = ref<AccessLink[]>([]);
  /** The link made last, with its address: shown until dismissed (it cannot be shown again). */
  const fresh = ref<{ link: AccessLink; url: string } | null>(null);
  const active = computed(() => links.value.filter((link) => link.revokedAt === null));

  async function load(): Promise<void> {
    links.value = await client.api.listAccessLinks({});
  }

  async function create(userId: number): Promise<string> {
    const { link, token } = await client.api.createAccessLink({ userId });
    const url = `${window.location.origin}/?token=${token}`;
    links.value = [link, ...links.value];
    fresh.value = { link, url };
    return url;
  }

  async function revoke(linkId: number): Promise<void> {
    const revoked = await client.api.revokeAccessLink({ linkId });
    links.value = links.value.map((link) => (link.id === revoked.id ? revoked : link));
    if (fresh.value?.link.id === linkId) fresh.value = null;
  }

  function dismiss(): void {
    fresh.value = null;
  }

  return { links, active, fresh, load, create, revoke, dismiss };
});
