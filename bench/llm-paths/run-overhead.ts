import type * as ortTypes from 'onnxruntime-web';
import { nodeMessage } from '../../src/engines/onnx-graph/graph.ts';
import { MessageWriter } from '../../src/engines/onnx-graph/protobuf.ts';

function valueInfo(name: string, dims: Array<number | string>): MessageWriter {
  const shape = new MessageWriter();
  for (const dim of dims) {
    const entry = new MessageWriter();
    if (typeof dim === 'number') entry.varintField(1, dim);
    else entry.stringField(2, dim);
    shape.bytesField(1, entry);
  }
  const tensor = new MessageWriter().varintField(1, 1).bytesField(2, shape);
  return new MessageWriter().stringField(1, name).bytesField(2, new MessageWriter().bytesField(1, tensor));
}

/** A one-node float graph (opset 17). */
function graph(
  inputs: Array<[string, Array<number | string>]>,
  node: MessageWriter,
  outputs: Array<[string, Array<number | string>]>,
): Uint8Array {
  const g = new MessageWriter().bytesField(1, node).stringField(2, 'piece');
  for (const [name, dims] of inputs) g.bytesField(11, valueInfo(name, dims));
  for (const [name, dims] of outputs) g.bytesField(12, valueInfo(name, dims));
  const opset = new MessageWriter().stringField(1, '').varintField(2, 17);
  return new MessageWriter().varintField(1, 8).bytesField(8, opset).bytesField(7, g).toBytes();
}

/**
 * Path B of the issue: projections outside ORT split the graph at each of them, so a decode step
 * becomes many small ORT runs. What one run costs by itself: an Add of two [1, hidden] vectors (the
 * cheapest piece between two projections), and a piece that takes one layer's KV cache in (the
 * attention piece; ORT copies every input into its heap on each run). Microseconds per run.
 */
export async function runOverhead(
  ort: typeof ortTypes,
  hidden: number,
  kv: { heads: number; positions: number; headDim: number },
): Promise<{ addUs: number; attentionUs: number }> {
  const time = async (bytes: Uint8Array, feeds: () => Record<string, ortTypes.Tensor>) => {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    for (let i = 0; i < 200; i++) await session.run(feeds());
    const runs = 2000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds());
    const us = ((performance.now() - started) / runs) * 1000;
    await session.release();
    return us;
  };
  const x = new Float32Array(hidden);
  const addUs = await time(
    graph(
      [
        ['x', [1, hidden]],
        ['y', [1, hidden]],
      ],
      nodeMessage('Add', 'add', ['x', 'y'], ['z']),
      [['z', [1, hidden]]],
    ),
    () => ({ x: new ort.Tensor('float32', x, [1, hidden]), y: new ort.Tensor('float32', x, [1, hidden]) }),
  );
  const { heads, positions, headDim } = kv;
  const cache = new Float32Array(heads * positions * headDim);
  const attentionUs = await time(
    graph([['k', [1, heads, 'positions', headDim]]], nodeMessage('ReduceMean', 'read', ['k'], ['m']), [
      ['m', [1, 1, 1, 1]],
    ]),
    () => ({ k: new ort.Tensor('float32', cache, [1, heads, positions, headDim]) }),
  );
  return { addUs, attentionUs: 2 * attentionUs }; // keys and values
}
