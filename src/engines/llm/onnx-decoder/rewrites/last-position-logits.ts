import { INT64_MAX, int64Message, nodeMessage, type GraphTransform } from '../../../onnx-graph/graph.ts';

/**
 * A decoder computes logits for every position of its input, but generation only reads the last
 * one: slicing the hidden states to the last position before the LM head saves that MatMul over the
 * whole prompt (`[seq, hidden] x [hidden, vocab]`, about a tenth of a prefill for a 135M model) and
 * the copy of a `[seq, vocab]` output. The `logits` output becomes `[batch, 1, vocab]`.
 */
export function lastPositionLogits(logitsName: string): GraphTransform {
  return {
    rewrite(node) {
      if (node.opType !== 'MatMul' || node.domain !== '' || node.outputs[0] !== logitsName) return undefined;
      const base = `${node.name}/last_position`;
      const sliced = `${base}/hidden`;
      return {
        nodes: [
          nodeMessage(
            'Slice',
            `${base}/Slice`,
            [node.inputs[0]!, `${base}/starts`, `${base}/ends`, `${base}/axes`],
            [sliced],
          ),
          nodeMessage('MatMul', node.name, [sliced, node.inputs[1]!], node.outputs),
        ],
        initializers: [
          int64Message(`${base}/starts`, -1n),
          int64Message(`${base}/ends`, INT64_MAX),
          int64Message(`${base}/axes`, 1n),
        ],
      };
    },
  };
}
