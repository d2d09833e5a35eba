import {
  INT64_MAX,
  int64Message,
  nodeMessage,
  type GraphTransform,
  type NodeInfo,
} from '../../../onnx-graph/graph.ts';
import { fields, MessageWriter } from '../../../onnx-graph/protobuf.ts';

const NODE_INPUT = 1;

/** A MatMulNBits node reading `input` instead of its first input, attributes and all. */
function withFirstInput(node: NodeInfo, input: string): MessageWriter {
  const message = new MessageWriter();
  let first = true;
  for (const field of fields(node.bytes)) {
    if (first && field.number === NODE_INPUT) {
      first = false;
      message.stringField(NODE_INPUT, input);
    } else message.raw(field.raw);
  }
  return message;
}

/**
 * A decoder computes logits for every position of its input, but generation only reads the last
 * one (the LM head a MatMul, or a 4-bit MatMulNBits): slicing the hidden states to the last position before the LM head saves that MatMul over the
 * whole prompt (`[seq, hidden] x [hidden, vocab]`, about a tenth of a prefill for a 135M model) and
 * the copy of a `[seq, vocab]` output. The `logits` output becomes `[batch, 1, vocab]`.
 */
export function lastPositionLogits(logitsName: string): GraphTransform {
  return {
    rewrite(node) {
      const isMatMul = node.opType === 'MatMul' && node.domain === '';
      const isNBits = node.opType === 'MatMulNBits' && node.domain === 'com.microsoft';
      if ((!isMatMul && !isNBits) || node.outputs[0] !== logitsName) return undefined;
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
          isMatMul
            ? nodeMessage('MatMul', node.name, [sliced, node.inputs[1]!], node.outputs)
            : withFirstInput(node, sliced),
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
