import {
  DataType,
  nodeMessage,
  tensorMessage,
  type GraphTransform,
  type NodeInfo,
  type TensorInfo,
} from '../../../onnx-graph/graph.ts';

function floats(tensor: TensorInfo): Float32Array | undefined {
  if (!tensor.raw) return undefined;
  const raw = tensor.raw.slice(); // aligned copy
  if (tensor.dataType === DataType.FLOAT) return new Float32Array(raw.buffer, 0, raw.length / 4);
  if (tensor.dataType !== DataType.FLOAT16) return undefined;
  const half = new Uint16Array(raw.buffer, 0, raw.length / 2);
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) {
    const h = half[i]!;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    const magnitude =
      exponent === 0
        ? 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? Infinity
          : 2 ** (exponent - 15) * (1 + fraction / 1024);
    out[i] = h & 0x8000 ? -magnitude : magnitude;
  }
  return out;
}

/**
 * `dequant(n, k) = (q[n, k] - zp[n, k / block]) * scale[n, k / block]`, laid out as the `[K, N]`
 * right-hand side of a plain MatMul. Zero points default to 8 (symmetric) when absent.
 * B is `[N, blocks, block / 2]` bytes, element 2j in the low nibble; zero points pack two blocks a byte.
 */
function dequantize(node: NodeInfo, byName: ReadonlyMap<string, TensorInfo>): Float32Array | undefined {
  const k = node.ints.get('K');
  const n = node.ints.get('N');
  const block = node.ints.get('block_size');
  if (node.ints.get('bits') !== 4 || !k || !n || !block) return undefined;
  // Only A, B, scales and optional zero points: g_idx or bias would need more than a MatMul.
  if (node.inputs.slice(4).some((name) => name !== '')) return undefined;
  const packed = byName.get(node.inputs[1]!);
  const scaleTensor = byName.get(node.inputs[2]!);
  const zpTensor = node.inputs[3] ? byName.get(node.inputs[3]) : undefined;
  if (!packed?.raw || packed.dataType !== DataType.UINT8 || !scaleTensor) return undefined;
  if (node.inputs[3] && (!zpTensor?.raw || zpTensor.dataType !== DataType.UINT8)) return undefined;
  const scales = floats(scaleTensor);
  const blocks = Math.ceil(k / block);
  const blobSize = block / 2;
  if (!scales || scales.length !== n * blocks || packed.raw.length !== n * blocks * blobSize)
    return undefined;
  const zpRow = Math.ceil(blocks / 2);
  const q = packed.raw;
  const zp = zpTensor?.raw;
  const out = new Float32Array(k * n);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const scale = scales[row * blocks + b]!;
      const zpByte = zp ? zp[row * zpRow + (b >> 1)]! : 0x88;
      const zero = b & 1 ? zpByte >> 4 : zpByte & 0x0f;
      const base = (row * blocks + b) * blobSize;
      for (let j = 0; j < blobSize; j++) {
        const byte = q[base + j]!;
        const kk = b * block + 2 * j;
        if (kk < k) out[kk * n + row] = ((byte & 0x0f) - zero) * scale;
        if (kk + 1 < k) out[(kk + 1) * n + row] = ((byte >> 4) - zero) * scale;
      }
    }
  }
  return out;
}

/**
 * Turns each 4-bit MatMulNBits into a MatMul with the exact dequantised fp32 weights. ORT's WASM
 * MatMul runs several times faster than its 4-bit kernel, at the cost of fp32-sized weights in memory.
 * Nodes it cannot turn (other bit widths, g_idx or bias inputs, external data) stay as they are.
 */
export const dequantizeNBits: GraphTransform = {
  rewrite(node, initializers) {
    if (node.opType !== 'MatMulNBits' || node.domain !== 'com.microsoft') return undefined;
    const weights = dequantize(node, initializers);
    if (!weights) return undefined;
    const name = `${node.inputs[1]}/dequantized`;
    return {
      nodes: [nodeMessage('MatMul', `${node.name}/dequantized`, [node.inputs[0]!, name], node.outputs)],
      initializers: [
        tensorMessage(name, [node.ints.get('K')!, node.ints.get('N')!], DataType.FLOAT, weights),
      ],
      consumes: node.inputs.slice(1, 4).filter(Boolean),
    };
  },
};
