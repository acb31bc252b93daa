/**
 * The URL an <img> shows for a stored image, resolved through the client (a blob: URL fetched
 * with the token header over HTTP, studio-blob: on the desktop) and released when the image
 * changes or the component goes away, so blob: URLs never pile up in memory.
 */
import { onScopeDispose, ref, watch, type Ref } from 'vue';
import type { ImageKind } from '../api/transport';
import { useStudio } from './useStudio';

export interface ImageUrl {
  /** null while loading, when there is no image, or when loading failed. */
  url: Ref<string | null>;
  failed: Ref<boolean>;
}

export function useImageUrl(sha256: () => string | null | undefined, kind: ImageKind): ImageUrl {
  const client = useStudio();
  const url = ref<string | null>(null);
  const failed = ref(false);
  let held: string | null = null;
  // Each change of image gets a number; an answer for an image no longer wanted is released.
  let wanted = 0;

  const release = () => {
    if (held !== null) client.releaseImageUrl(held);
    held = null;
  };

  watch(
    sha256,
    async (sha) => {
      const ticket = ++wanted;
      release();
      url.value = null;
      failed.value = false;
      if (!sha) return;
      try {
        const got = await client.imageUrl(sha, kind);
        if (ticket !== wanted) {
          client.releaseImageUrl(got);
          return;
        }
        held = got;
        url.value = got;
      } catch {
        if (ticket === wanted) failed.value = true;
      }
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    wanted += 1;
    release();
  });

  return { url, failed };
}
