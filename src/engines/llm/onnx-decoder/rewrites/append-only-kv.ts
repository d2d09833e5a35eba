import { INT64_MAX, int64Message, nodeMessage, type GraphTransform } from '../../../onnx-graph/graph.ts';

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const PREFIX = '/append_only_kv';

/**
 * On WASM, onnxruntime-web copies every output into a new JS array after each run. A decoder's
 * `present.*` outputs are the whole KV cache, so each decode step copied (and allocated, and later
 * garbage-collected) the cache once more: about 27 MB a token for SmolLM2-135M at 512 positions,
 * a third of the step. This rewrite lets the caller keep the cache in its own growable buffers:
 *
 * - `past_key_values.N.*` may be fed with room to spare, `[batch, heads, capacity, dim]`: the graph
 *   slices the first `past_length = attention_mask length - input_ids length` positions before use;
 * - `present.N.*` hold only the positions this run added, `[batch, heads, new, dim]`, which the
 *   caller appends.
 *
 * Everything between is untouched, so the model computes exactly what it did before. A graph
 * without attention_mask, or without matching past/present pairs, is left alone.
 */
export const appendOnlyKv: GraphTransform = {
  graph({ inputs, outputs }) {
    const outputSet = new Set(outputs);
    if (!inputs.includes('input_ids') || !inputs.includes('attention_mask')) return undefined;
    const past = inputs.filter((name) => PAST.test(name));
    const presentOf = (name: string) => name.replace(PAST, 'present.$1.$2');
    if (past.length === 0 || past.some((name) => !outputSet.has(presentOf(name)))) return undefined;
    const present = past.map(presentOf);

    const name = (suffix: string) => `${PREFIX}/${suffix}`;
    const pastLength = name('past_length');
    return {
      renames: new Map([
        ...past.map((tensor) => [tensor, `${tensor}/used`] as const),
        ...present.map((tensor) => [tensor, `${tensor}/full`] as const),
      ]),
      prologue: [
        nodeMessage('Shape', name('mask_shape'), ['attention_mask'], [name('mask_shape')]),
        nodeMessage('Gather', name('total'), [name('mask_shape'), name('one')], [name('total')]),
        nodeMessage('Shape', name('ids_shape'), ['input_ids'], [name('ids_shape')]),
        nodeMessage('Gather', name('added'), [name('ids_shape'), name('one')], [name('added')]),
        nodeMessage('Sub', pastLength, [name('total'), name('added')], [pastLength]),
        ...past.map((tensor) =>
          nodeMessage(
            'Slice',
            name(tensor),
            [tensor, name('zero'), pastLength, name('sequence_axis')],
            [`${tensor}/used`],
          ),
        ),
      ],
      epilogue: present.map((tensor) =>
        nodeMessage(
          'Slice',
          name(tensor),
          [`${tensor}/full`, pastLength, name('end'), name('sequence_axis')],
          [tensor],
        ),
      ),
      initializers: [
        int64Message(name('zero'), 0n),
        int64Message(name('one'), 1n),
        int64Message(name('sequence_axis'), 2n),
        int64Message(name('end'), INT64_MAX),
      ],
      // Declared as past + new positions; now the new ones only.
      reshapedOutputs: new Set(present),
    };
  },
};
