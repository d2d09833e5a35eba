/**
 * Just enough protobuf to walk and rebuild an ONNX model without a schema library: fields are read
 * as (number, wire type, value) with their byte ranges, so untouched parts are copied verbatim.
 */
export interface Field {
  number: number;
  wireType: number;
  /** Varint value (wire type 0); for other types the payload is `bytes`. */
  varint: bigint;
  bytes: Uint8Array;
  /** The whole field, key included, for copying it unchanged. */
  raw: Uint8Array;
}

export function readVarint(buffer: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let at = offset; at < buffer.length; at++) {
    const byte = buffer[at]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, at + 1];
    shift += 7n;
  }
  throw new Error('truncated varint');
}

export function* fields(buffer: Uint8Array): Generator<Field> {
  let offset = 0;
  while (offset < buffer.length) {
    const start = offset;
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    offset = afterKey;
    let varint = 0n;
    let bytes = buffer.subarray(offset, offset);
    if (wireType === 0) {
      [varint, offset] = readVarint(buffer, offset);
    } else if (wireType === 2) {
      const [length, afterLength] = readVarint(buffer, offset);
      const end = afterLength + Number(length);
      if (end > buffer.length) throw new Error('truncated field');
      bytes = buffer.subarray(afterLength, end);
      offset = end;
    } else if (wireType === 1) {
      bytes = buffer.subarray(offset, offset + 8);
      offset += 8;
    } else if (wireType === 5) {
      bytes = buffer.subarray(offset, offset + 4);
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
    yield { number, wireType, varint, bytes, raw: buffer.subarray(start, offset) };
  }
}

const text = new TextDecoder();
export const asString = (field: Field) => text.decode(field.bytes);

/** Packed or repeated int64 values of one field number. */
export function int64s(buffer: Uint8Array, number: number): number[] {
  const out: number[] = [];
  for (const field of fields(buffer)) {
    if (field.number !== number) continue;
    if (field.wireType === 0) out.push(Number(field.varint));
    else {
      for (let at = 0; at < field.bytes.length;) {
        const [value, next] = readVarint(field.bytes, at);
        out.push(Number(value));
        at = next;
      }
    }
  }
  return out;
}

/** Builds messages as lists of byte chunks, so large payloads are copied once, at the end. */
export class MessageWriter {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  varintField(number: number, value: number | bigint): this {
    return this.raw(varint((BigInt(number) << 3n) | 0n)).raw(varint(BigInt(value)));
  }

  bytesField(number: number, payload: Uint8Array | MessageWriter): this {
    const length = payload instanceof MessageWriter ? payload.length : payload.length;
    this.raw(varint((BigInt(number) << 3n) | 2n)).raw(varint(BigInt(length)));
    if (payload instanceof MessageWriter) for (const chunk of payload.chunks) this.raw(chunk);
    else this.raw(payload);
    return this;
  }

  stringField(number: number, value: string): this {
    return this.bytesField(number, new TextEncoder().encode(value));
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function varint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Uint8Array.from(bytes);
}
