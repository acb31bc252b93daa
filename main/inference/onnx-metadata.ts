/**
 * Reads one `metadata_props` entry of an ONNX file (ModelProto field 14, a repeated
 * StringStringEntryProto {key = 1, value = 2}) by walking the protobuf wire format: the learned
 * verifier's config travels there (`cosmo_verifier_config`) and onnxruntime-node does not expose
 * custom metadata.
 */

interface Cursor {
  bytes: Uint8Array;
  pos: number;
}

function varint(c: Cursor): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    if (c.pos >= c.bytes.length) throw new Error('truncated varint');
    const byte = c.bytes[c.pos++]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

/** Calls `visit(field, bytes)` for each length-delimited field of one message, skipping the rest. */
function eachBytesField(bytes: Uint8Array, visit: (field: number, value: Uint8Array) => void): void {
  const c: Cursor = { bytes, pos: 0 };
  while (c.pos < bytes.length) {
    const key = varint(c);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) varint(c);
    else if (wire === 1) c.pos += 8;
    else if (wire === 5) c.pos += 4;
    else if (wire === 2) {
      const length = varint(c);
      if (c.pos + length > bytes.length) throw new Error('truncated field');
      visit(field, bytes.subarray(c.pos, c.pos + length));
      c.pos += length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  if (c.pos !== bytes.length) throw new Error('truncated message');
}

export function onnxMetadata(model: Uint8Array, wanted: string): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let found: string | null = null;
  eachBytesField(model, (field, entry) => {
    if (field !== 14) return;
    let key: string | null = null;
    let value = '';
    eachBytesField(entry, (f, v) => {
      if (f === 1) key = decoder.decode(v);
      else if (f === 2) value = decoder.decode(v);
    });
    if (key === wanted) found = value;
  });
  return found;
}
