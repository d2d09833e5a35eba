import { describe, expect, it } from 'vitest';
import { parseSafetensors, tensorToFloat32, writeSafetensors } from '../../../src/core/safetensors.ts';

function fileWith(header: unknown, dataBytes: number, headerLengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, headerLengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors reader', () => {
  it('reads back what the writer wrote, with metadata', () => {
    const data = new Float32Array([1, -2.5, 3, 4, 5, 6]);
    const file = writeSafetensors(
      { w: { shape: [2, 3], data }, v: { shape: [1], data: new Float32Array([7]) } },
      { format: 'pt' },
    );
    const parsed = parseSafetensors(file);
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(parsed.tensors.get('w')!.shape).toEqual([2, 3]);
    expect(Array.from(tensorToFloat32(parsed.tensors.get('w')!))).toEqual(Array.from(data));
    expect(Array.from(tensorToFloat32(parsed.tensors.get('v')!))).toEqual([7]);
  });

  it('widens F16 and BF16', () => {
    // 1.0 = 0x3C00 (F16), 0x3F80 (BF16); -2.0 = 0xC000 (F16), 0xC000 (BF16)
    const header = {
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
    };
    const file = fileWith(header, 8);
    const data = new DataView(file.buffer, file.length - 8);
    data.setUint16(0, 0x3c00, true);
    data.setUint16(2, 0xc000, true);
    data.setUint16(4, 0x3f80, true);
    data.setUint16(6, 0xc000, true);
    const parsed = parseSafetensors(file);
    expect(Array.from(tensorToFloat32(parsed.tensors.get('h')!))).toEqual([1, -2]);
    expect(Array.from(tensorToFloat32(parsed.tensors.get('b')!))).toEqual([1, -2]);
  });

  const cases: Array<[string, () => Uint8Array, RegExp]> = [
    ['a file shorter than 8 bytes', () => new Uint8Array(5), /8-byte header length/],
    ['a header length past the end', () => fileWith({}, 0, 1_000_000n), /runs past the end/],
    [
      'a header that is not JSON',
      () => {
        const file = fileWith({}, 0);
        file[8] = 0x7b;
        file[9] = 0x7b; // "{{"
        return file;
      },
      /not valid UTF-8 JSON/,
    ],
    [
      'offsets outside the data',
      () => fileWith({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8),
      /truncated/,
    ],
    [
      'overlapping tensors',
      () =>
        fileWith(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
          },
          12,
        ),
      /overlaps/,
    ],
    [
      'a hole between tensors',
      () =>
        fileWith(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
          },
          12,
        ),
      /hole of 4 bytes/,
    ],
    [
      'an unknown dtype',
      () => fileWith({ a: { dtype: 'F8_E4M3X', shape: [1], data_offsets: [0, 1] } }, 1),
      /unknown dtype/,
    ],
    [
      'a byte count that does not match the shape',
      () => fileWith({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
      /needs 12/,
    ],
    [
      'bytes after the last tensor',
      () => fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8),
      /belong to none/,
    ],
    [
      'a negative offset',
      () => fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4),
      /malformed data_offsets/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => parseSafetensors(make())).toThrow(message);
      try {
        parseSafetensors(make());
      } catch (error) {
        expect(error).toMatchObject({ code: 'SAFETENSORS_INVALID' });
      }
    });
  }
});
