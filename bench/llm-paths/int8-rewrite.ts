import {
  DataType,
  nodeMessage,
  tensorMessage,
  type GraphTransform,
  type NodeInfo,
  type TensorInfo,
} from '../../src/engines/onnx-graph/graph.ts';

const INT8 = 3;
const NODE_DOMAIN = 7;

/** A MatMulNBits' weights as floats [K, N], from its 4-bit blocks. */
function dequantize(node: NodeInfo, initializers: ReadonlyMap<string, TensorInfo>) {
  const k = node.ints.get('K')!;
  const n = node.ints.get('N')!;
  const block = node.ints.get('block_size')!;
  const packed = initializers.get(node.inputs[1]!)!.raw!;
  const scaleBytes = initializers.get(node.inputs[2]!)!.raw!.slice();
  const zeros = initializers.get(node.inputs[3]!)!.raw!;
  const scales = new Float32Array(scaleBytes.buffer, 0, scaleBytes.length / 4);
  const blocks = k / block;
  const zeroRow = Math.ceil(blocks / 2);
  const w = new Float32Array(k * n);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const byte = zeros[col * zeroRow + (b >> 1)]!;
      const zero = b & 1 ? byte >> 4 : byte & 15;
      const scale = scales[col * blocks + b]!;
      for (let j = 0; j < block / 2; j++) {
        const q = packed[(col * blocks + b) * (block / 2) + j]!;
        w[(b * block + 2 * j) * n + col] = ((q & 15) - zero) * scale;
        w[(b * block + 2 * j + 1) * n + col] = ((q >> 4) - zero) * scale;
      }
    }
  }
  return { k, n, w };
}

/**
 * Path A of the issue: onnxruntime-web's own integer kernels. Every MatMulNBits becomes a
 * com.microsoft DynamicQuantizeMatMul (activations quantised per tensor to uint8 at run time, MLAS's
 * WASM SIMD int8 GEMM) with int8 weights re-quantised from the 4-bit blocks, one scale per column
 * (the operator takes per-column scales, not blocks): 1 byte a weight.
 */
export const int8Weights: GraphTransform = {
  rewrite(node, initializers) {
    if (node.opType !== 'MatMulNBits') return undefined;
    const { k, n, w } = dequantize(node, initializers);
    const q = new Int8Array(k * n);
    const scale = new Float32Array(n);
    for (let col = 0; col < n; col++) {
      let max = 0;
      for (let row = 0; row < k; row++) max = Math.max(max, Math.abs(w[row * n + col]!));
      scale[col] = max / 127 || 1;
    }
    for (let row = 0; row < k; row++)
      for (let col = 0; col < n; col++) q[row * n + col] = Math.round(w[row * n + col]! / scale[col]!);
    const name = `${node.inputs[1]}/int8`;
    const op = nodeMessage(
      'DynamicQuantizeMatMul',
      `${node.name}/int8`,
      [node.inputs[0]!, name, `${name}_scale`],
      node.outputs,
    );
    op.stringField(NODE_DOMAIN, 'com.microsoft');
    return {
      nodes: [op],
      initializers: [
        tensorMessage(name, [k, n], INT8, q),
        tensorMessage(`${name}_scale`, [n], DataType.FLOAT, scale),
      ],
      consumes: node.inputs.slice(1, 4),
    };
  },
};
