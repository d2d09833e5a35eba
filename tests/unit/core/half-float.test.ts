import { describe, expect, it } from 'vitest';
import { halfToFloat, halvesToFloats } from '../../../src/core/half-float.ts';

describe('half floats', () => {
  it('reads normals, subnormals, zeros, infinities and NaN exactly', () => {
    // Every value below is exact in both half and double precision, so equality is exact.
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(halfToFloat(0x0000)).toBe(0);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('widens a whole array', () => {
    expect(Array.from(halvesToFloats(new Uint16Array([0x3c00, 0x3800, 0xbc00])))).toEqual([1, 0.5, -1]);
  });
});
