/**
 * The gate every image passes before it is stored: a size limit on bytes, a limit on pixels
 * read from the header (so a decompression bomb is refused before anything decodes it), and
 * a notice when the file's name claims another format than its bytes.
 */
import { FORMAT_NAME, ImageRejected, mimeForExtension, sniffImage, type ImageInfo } from './sniff.js';

export interface ImageLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest width x height accepted. */
  maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 50_000_000,
};

export interface AcceptedImage extends ImageInfo {
  bytes: number;
  /** Said to the user without refusing the image (e.g. PNG bytes in a file named .jpeg). */
  notices: string[];
}

function megabytes(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function megapixels(n: number): string {
  return n >= 100_000 ? `${(n / 1_000_000).toFixed(1)} megapixels` : `${n.toLocaleString('en-US')} pixels`;
}

/** Throws ImageRejected with a sentence naming `name`; returns the real format otherwise. */
export function acceptImage(bytes: Uint8Array, name: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): AcceptedImage {
  if (bytes.length > limits.maxBytes) {
    throw new ImageRejected(`${name} is ${megabytes(bytes.length)}, above the ${megabytes(limits.maxBytes)} image limit`);
  }
  const info = sniffImage(bytes, name);
  const pixels = info.width * info.height;
  if (pixels > limits.maxPixels) {
    throw new ImageRejected(`${name} is ${info.width}x${info.height} pixels (${megapixels(pixels)}), above the limit of ${megapixels(limits.maxPixels)}`);
  }
  const notices: string[] = [];
  const claimed = mimeForExtension(name);
  if (claimed !== null && claimed !== info.mime) {
    notices.push(`${name} is named like a ${FORMAT_NAME[claimed]} but its bytes are ${FORMAT_NAME[info.mime]}; stored as ${FORMAT_NAME[info.mime]}`);
  }
  return { ...info, bytes: bytes.length, notices };
}

export { ImageRejected };
