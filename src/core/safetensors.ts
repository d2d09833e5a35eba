import { HearthError } from './errors.ts';
import { halfToFloat } from './half-float.ts';

/**
 * A small, strict safetensors reader: 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data. Every offset is checked: inside the file, no overlaps, no holes, the
 * byte count matching dtype × shape. Anything else is refused with SAFETENSORS_INVALID.
 */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Headers beyond this are refused: real ones are kilobytes, and a huge one is a memory attack. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** View into the file's bytes (no copy). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
}

function invalid(message: string): HearthError {
  return new HearthError('SAFETENSORS_INVALID', `Invalid safetensors file: ${message}`);
}

export function parseSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.byteLength < 8)
    throw invalid(`only ${file.byteLength} bytes; the 8-byte header length is missing.`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, file.byteLength - 8))) {
    throw invalid(
      `header length ${headerLength} runs past the end of the ${file.byteLength}-byte file (truncated?).`,
    );
  }
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, headerEnd)));
  } catch {
    throw invalid('the header is not valid UTF-8 JSON.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw invalid('the header is not an object.');

  const data = file.subarray(headerEnd);
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: Array<{ name: string; start: number; end: number }> = [];
  let metadata: Record<string, string> = {};

  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(entry);
      continue;
    }
    const { dtype, shape, start, end } = readEntry(name, entry);
    if (end > data.byteLength) {
      throw invalid(
        `tensor ${name} ends at byte ${end} but the data section has ${data.byteLength} bytes (truncated?).`,
      );
    }
    const elements = shape.reduce((product, dim) => product * dim, 1);
    if (elements * BYTES_PER_ELEMENT[dtype] !== end - start) {
      throw invalid(
        `tensor ${name} has ${end - start} bytes but ${dtype}${JSON.stringify(shape)} needs ${elements * BYTES_PER_ELEMENT[dtype]}.`,
      );
    }
    spans.push({ name, start, end });
    tensors.set(name, { name, dtype, shape, bytes: data.subarray(start, end) });
  }

  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) throw invalid(`tensor ${span.name} overlaps the tensor before it.`);
    if (span.start > cursor)
      throw invalid(`there is a hole of ${span.start - cursor} bytes before tensor ${span.name}.`);
    cursor = span.end;
  }
  if (cursor !== data.byteLength)
    throw invalid(`${data.byteLength - cursor} bytes after the last tensor belong to none.`);
  return { metadata, tensors };
}

function readMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== 'object' || entry === null) throw invalid('__metadata__ is not an object.');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') throw invalid(`__metadata__.${key} is not a string.`);
    out[key] = value;
  }
  return out;
}

function readEntry(name: string, entry: unknown) {
  const record = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof record !== 'object' || record === null) throw invalid(`entry ${name} is not an object.`);
  const dtype = record.dtype;
  if (typeof dtype !== 'string' || !(dtype in BYTES_PER_ELEMENT)) {
    throw invalid(`tensor ${name} has unknown dtype ${JSON.stringify(dtype)}.`);
  }
  const shape = record.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(`tensor ${name} has a malformed shape.`);
  }
  const offsets = record.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw invalid(`tensor ${name} has malformed data_offsets.`);
  }
  return {
    dtype: dtype as SafetensorsDtype,
    shape: shape as number[],
    start: offsets[0] as number,
    end: offsets[1] as number,
  };
}

/** Widens F32/F16/BF16 tensor data to a fresh Float32Array (little-endian, as the format specifies). */
export function tensorToFloat32(tensor: SafetensorsTensor): Float32Array {
  const { bytes, dtype } = tensor;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') {
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (dtype === 'F16') {
    const out = new Float32Array(bytes.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    return out;
  }
  if (dtype === 'BF16') {
    const out = new Float32Array(bytes.byteLength / 2);
    const word = new Uint32Array(1);
    const asFloat = new Float32Array(word.buffer);
    for (let i = 0; i < out.length; i++) {
      word[0] = view.getUint16(i * 2, true) << 16;
      out[i] = asFloat[0]!;
    }
    return out;
  }
  throw new HearthError(
    'SAFETENSORS_DTYPE',
    `Tensor ${tensor.name} is ${dtype}; only F32, F16 and BF16 can be read as floats.`,
  );
}

/** Writes a safetensors file (F32 only): used by tests and by tools that emit adapters. */
export function writeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, tensor] of entries) {
    header[name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.data.byteLength],
    };
    offset += tensor.data.byteLength;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  headerBytes = new Uint8Array([
    ...headerBytes,
    ...new Array<number>(padded - headerBytes.length).fill(0x20),
  ]);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const [, tensor] of entries) {
    const view = new DataView(out.buffer, cursor, tensor.data.byteLength);
    tensor.data.forEach((value, i) => view.setFloat32(i * 4, value, true));
    cursor += tensor.data.byteLength;
  }
  return out;
}
