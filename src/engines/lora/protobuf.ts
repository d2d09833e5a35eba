/**
 * Just enough of the protobuf wire format to edit an ONNX graph without a schema: a message is a
 * list of fields kept as raw bytes, so everything we do not touch is written back byte for byte
 * (unknown fields, external-data references, weights).
 */
export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

export interface RawField {
  field: number;
  wire: WireType;
  /** The whole encoded field, key included. */
  raw: Uint8Array;
  /** For length-delimited fields: the payload. For varints: undefined (see `varint`). */
  payload?: Uint8Array;
  varint?: bigint;
}

export class ProtobufError extends Error {}

function readVarint(bytes: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < bytes.length; i++) {
    const byte = bytes[i]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
    if (shift > 70n) break;
  }
  throw new ProtobufError(`malformed varint at byte ${offset}`);
}

export function decodeMessage(bytes: Uint8Array): RawField[] {
  const fields: RawField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    const [key, afterKey] = readVarint(bytes, offset);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n) as WireType;
    offset = afterKey;
    let payload: Uint8Array | undefined;
    let varint: bigint | undefined;
    switch (wire) {
      case WireType.Varint:
        [varint, offset] = readVarint(bytes, offset);
        break;
      case WireType.Fixed64:
        offset += 8;
        break;
      case WireType.Fixed32:
        offset += 4;
        break;
      case WireType.LengthDelimited: {
        const [length, afterLength] = readVarint(bytes, offset);
        const end = afterLength + Number(length);
        if (end > bytes.length) throw new ProtobufError(`field ${field} runs past the end of its message`);
        payload = bytes.subarray(afterLength, end);
        offset = end;
        break;
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wire} for field ${field}`);
    }
    if (offset > bytes.length) throw new ProtobufError(`field ${field} runs past the end of its message`);
    fields.push({ field, wire, raw: bytes.subarray(start, offset), payload, varint });
  }
  return fields;
}

function encodeVarint(value: bigint | number): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // two's complement, as protobuf encodes negative int64
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** Builds messages field by field; `bytes()` concatenates without intermediate copies per field. */
export class MessageWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(part: Uint8Array): this {
    this.parts.push(part);
    this.size += part.byteLength;
    return this;
  }

  raw(bytes: Uint8Array): this {
    return this.push(bytes);
  }

  varint(field: number, value: bigint | number): this {
    return this.push(
      new Uint8Array([...encodeVarint((field << 3) | WireType.Varint), ...encodeVarint(value)]),
    );
  }

  bytes(field: number, payload: Uint8Array): this {
    this.push(
      new Uint8Array([
        ...encodeVarint((field << 3) | WireType.LengthDelimited),
        ...encodeVarint(payload.byteLength),
      ]),
    );
    return this.push(payload);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: MessageWriter) => void): this {
    const inner = new MessageWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}

export function fieldString(field: RawField): string {
  if (!field.payload) throw new ProtobufError(`field ${field.field} is not a string`);
  return new TextDecoder().decode(field.payload);
}

/** Repeated int64 fields may be packed (one length-delimited run) or not; both read the same. */
export function readInt64s(fields: RawField[], number: number): bigint[] {
  const values: bigint[] = [];
  for (const field of fields) {
    if (field.field !== number) continue;
    if (field.wire === WireType.Varint) values.push(field.varint!);
    else if (field.payload) {
      let offset = 0;
      while (offset < field.payload.length) {
        const [value, next] = readVarint(field.payload, offset);
        values.push(value);
        offset = next;
      }
    }
  }
  return values.map((v) => (v >= 1n << 63n ? v - (1n << 64n) : v));
}
