import { HearthError } from '../../core/errors.ts';
import { ort } from '../ort-setup/index.ts';

/** The BERT-family inputs Hearth can fill; a graph needs `input_ids` and may take the other two. */
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

export interface BatchFeeds {
  feeds: Record<string, ort.Tensor>;
  /** Padded sequence length of this batch. */
  seq: number;
  lengths: number[];
}

/** Checks the graph's inputs once at load time; returns their element types. */
export function checkGraphInputs(
  inputs: Map<string, string | undefined>,
  label: string,
): Map<string, string> {
  if (!inputs.has('input_ids'))
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `${label} has no input_ids input (it has ${[...inputs.keys()].join(', ')}): not a BERT-style embedding model.`,
    );
  const types = new Map<string, string>();
  for (const [name, type] of inputs) {
    if (!KNOWN_INPUTS.has(name))
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        `${label} needs an input "${name}" that Hearth does not know how to fill. Use a BERT-style export.`,
      );
    if (type !== 'int64' && type !== 'int32')
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        `${label}: input ${name} is ${type}, expected int64 or int32.`,
      );
    types.set(name, type);
  }
  return types;
}

/**
 * Right-pads one batch to its longest text. input_ids: ids then pad id; attention_mask: 1 for real tokens;
 * token_type_ids: all zeros (one segment). Only the inputs the graph declares are sent.
 */
export function buildFeeds(
  rows: readonly number[][],
  inputTypes: Map<string, string>,
  padId: number,
): BatchFeeds {
  const batch = rows.length;
  const seq = Math.max(1, ...rows.map((ids) => ids.length));
  const lengths = rows.map((ids) => ids.length);
  const ids = new Int32Array(batch * seq).fill(padId);
  const mask = new Int32Array(batch * seq);
  rows.forEach((row, r) => {
    ids.set(row, r * seq);
    mask.fill(1, r * seq, r * seq + row.length);
  });
  const dims = [batch, seq];
  const tensor = (name: string, values: Int32Array): ort.Tensor =>
    inputTypes.get(name) === 'int32'
      ? new ort.Tensor('int32', values, dims)
      : new ort.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(v)),
          dims,
        );
  const feeds: Record<string, ort.Tensor> = { input_ids: tensor('input_ids', ids) };
  if (inputTypes.has('attention_mask')) feeds.attention_mask = tensor('attention_mask', mask);
  if (inputTypes.has('token_type_ids'))
    feeds.token_type_ids = tensor('token_type_ids', new Int32Array(batch * seq));
  return { feeds, seq, lengths };
}
