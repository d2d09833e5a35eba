import { describe, expect, it } from 'vitest';
import { buildFeeds, checkGraphInputs } from '../../../src/engines/embed/batch-inputs.ts';

describe('buildFeeds', () => {
  const rows = [
    [2, 7, 3],
    [2, 3],
  ];

  it('right-pads to the longest row and sends token_type_ids only when the graph has it', () => {
    const withTypes = buildFeeds(
      rows,
      new Map([
        ['input_ids', 'int64'],
        ['attention_mask', 'int64'],
        ['token_type_ids', 'int64'],
      ]),
      0,
    );
    expect(withTypes.seq).toBe(3);
    expect(withTypes.lengths).toEqual([3, 2]);
    expect(Object.keys(withTypes.feeds).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    expect(Array.from(withTypes.feeds.input_ids!.data as BigInt64Array, Number)).toEqual([2, 7, 3, 2, 3, 0]);
    expect(Array.from(withTypes.feeds.attention_mask!.data as BigInt64Array, Number)).toEqual([
      1, 1, 1, 1, 1, 0,
    ]);
    expect(withTypes.feeds.input_ids!.dims).toEqual([2, 3]);

    const without = buildFeeds(
      rows,
      new Map([
        ['input_ids', 'int32'],
        ['attention_mask', 'int32'],
      ]),
      9,
    );
    expect(Object.keys(without.feeds).sort()).toEqual(['attention_mask', 'input_ids']);
    expect(without.feeds.input_ids!.type).toBe('int32');
    expect(Array.from(without.feeds.input_ids!.data as Int32Array)).toEqual([2, 7, 3, 2, 3, 9]);
  });
});

describe('checkGraphInputs', () => {
  it('accepts BERT inputs and names what it cannot fill', () => {
    expect(checkGraphInputs(new Map([['input_ids', 'int64']]), 'm').get('input_ids')).toBe('int64');
    expect(() => checkGraphInputs(new Map([['pixel_values', 'float32']]), 'm')).toThrow(/no input_ids/);
    expect(() =>
      checkGraphInputs(
        new Map([
          ['input_ids', 'int64'],
          ['position_ids', 'int64'],
        ]),
        'm',
      ),
    ).toThrow(/position_ids/);
  });
});
