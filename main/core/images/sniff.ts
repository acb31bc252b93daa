/**
 * Reads an image's real format and size from its first bytes, without decoding a pixel.
 * Only the four formats a browser shows everywhere are accepted; anything else is refused with
 * a sentence that says what the bytes actually are, so a person can fix the file.
 */

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

export interface ImageInfo {
  mime: ImageMime;
  width: number;
  height: number;
}

/** Why bytes were refused as an image; `message` names the file and reads as a sentence. */
export class ImageRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageRejected';
  }
}

export const MIME_EXTENSION: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** Which file name endings claim which format (to notice a PNG named .jpeg). */
const EXTENSION_MIME: Record<string, ImageMime> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

export function mimeForExtension(name: string): ImageMime | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  return EXTENSION_MIME[name.slice(dot + 1).toLowerCase()] ?? null;
}

export const FORMAT_NAME: Record<ImageMime, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
};

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (bytes.length < at + length) return '';
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function png(bytes: Uint8Array, name: string): ImageInfo {
  // Signature, then the IHDR chunk must come first: length(4) "IHDR" width(4) height(4), big-endian.
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') {
    throw new ImageRejected(`${name} is a damaged PNG: its header chunk (IHDR) is missing`);
  }
  const dv = view(bytes);
  return { mime: 'image/png', width: dv.getUint32(16), height: dv.getUint32(20) };
}

function gif(bytes: Uint8Array, name: string): ImageInfo {
  if (bytes.length < 10) throw new ImageRejected(`${name} is a damaged GIF: its header is cut short`);
  const dv = view(bytes);
  return { mime: 'image/gif', width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
}

function webp(bytes: Uint8Array, name: string): ImageInfo {
  const damaged = (what: string) => new ImageRejected(`${name} is a damaged WebP: ${what}`);
  if (bytes.length < 30) throw damaged('its header is cut short');
  const dv = view(bytes);
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 bits of scale above).
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) throw damaged('the VP8 start code is missing');
    return { mime: 'image/webp', width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width-1 and height-1 as two 14-bit little-endian fields.
    if (bytes[20] !== 0x2f) throw damaged('the VP8L signature is missing');
    const bits = dv.getUint32(21, true);
    return { mime: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    // Extended: flags(1) reserved(3), then canvas width-1 and height-1 as 24-bit little-endian.
    const width = (dv.getUint16(24, true) | (bytes[26]! << 16)) + 1;
    const height = (dv.getUint16(27, true) | (bytes[29]! << 16)) + 1;
    return { mime: 'image/webp', width, height };
  }
  throw damaged(`its first chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}" is not VP8, VP8L or VP8X`);
}

/** Markers that stand alone (no length field) inside a JPEG's header segments. */
function standalone(marker: number): boolean {
  return marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7);
}

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function startOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpeg(bytes: Uint8Array, name: string): ImageInfo {
  const damaged = (what: string) => new ImageRejected(`${name} is a damaged JPEG: ${what}`);
  const dv = view(bytes);
  let at = 2;
  // Walk the header segments until a frame header gives the size; pixels start at SOS, so a
  // file that reaches SOS (or its end) without a frame header is not a usable JPEG.
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw damaged(`expected a marker at byte ${at}`);
    let marker = bytes[at + 1]!;
    while (marker === 0xff && at + 2 < bytes.length) {
      at += 1; // fill bytes
      marker = bytes[at + 1]!;
    }
    if (standalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const length = dv.getUint16(at + 2);
    if (length < 2) throw damaged(`segment at byte ${at} has an impossible length`);
    if (startOfFrame(marker)) {
      if (at + 9 > bytes.length) break;
      const height = dv.getUint16(at + 5);
      const width = dv.getUint16(at + 7);
      if (height === 0) throw damaged('its height is only given after the pixels (DNL), which is not supported');
      return { mime: 'image/jpeg', width, height };
    }
    at += 2 + length;
  }
  throw damaged('no frame header (SOF) before the image data');
}

/** Names what non-image bytes are, for the refusal message. */
function describeOther(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'its bytes are a PDF document';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'its bytes are a ZIP archive (or an Office document)';
  if (startsWith(bytes, [0x42, 0x4d])) return 'its bytes are a BMP image, which is not supported (use PNG, JPEG, WebP or GIF)';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'its bytes are a TIFF image, which is not supported (use PNG, JPEG, WebP or GIF)';
  }
  if (ascii(bytes, 4, 4) === 'ftyp') return 'its bytes are an HEIC/AVIF or video file, which is not supported (use PNG, JPEG, WebP or GIF)';
  if (looksLikeText(bytes)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
    if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
      return 'its bytes are an SVG drawing, which is not supported (convert it to PNG)';
    }
    return 'its bytes are text';
  }
  return 'its bytes are not PNG, JPEG, WebP or GIF';
}

/** UTF-8 without control characters other than tab, newline and carriage return. */
function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    // A multi-byte character cut at the sample's end is still text: retry without the tail.
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, Math.max(0, sample.length - 3)));
    } catch {
      return false;
    }
  }
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}

/**
 * The format and size of an image from its header bytes. Throws ImageRejected for anything
 * that is not a PNG, JPEG, WebP or GIF, naming `name` in the message.
 */
export function sniffImage(bytes: Uint8Array, name = 'the file'): ImageInfo {
  let info: ImageInfo;
  if (startsWith(bytes, PNG_SIGNATURE)) info = png(bytes, name);
  else if (startsWith(bytes, [0xff, 0xd8, 0xff])) info = jpeg(bytes, name);
  else if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') info = webp(bytes, name);
  else if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') info = gif(bytes, name);
  else throw new ImageRejected(`${name} is not an image: ${describeOther(bytes)}`);
  if (info.width === 0 || info.height === 0) {
    throw new ImageRejected(`${name} is a damaged ${FORMAT_NAME[info.mime]}: its header says it is ${info.width}x${info.height} pixels`);
  }
  return info;
}
