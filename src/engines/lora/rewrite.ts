import { HearthError } from '../../core/errors.ts';
import { MessageWriter } from './protobuf.ts';
import { ONNX, readOnnxGraph, TensorElementType, type OnnxGraph, type OnnxNode } from './onnx-graph.ts';
import { moduleName, parseProjectionName, type LoraTarget } from './targets.ts';

export interface RewriteResult {
  model: Uint8Array;
  targets: LoraTarget[];
}

function isProjectionMatMul(node: OnnxNode): boolean {
  if (node.opType === 'MatMul') return node.domain === '' || node.domain === 'ai.onnx';
  return node.opType === 'MatMulNBits' && node.domain === 'com.microsoft';
}

/** in/out features of a projection node, from its attributes or its weight's shape. */
function featuresOf(node: OnnxNode, graph: OnnxGraph): { inFeatures: number; outFeatures: number } {
  if (node.opType === 'MatMulNBits') {
    const k = node.intAttributes.get('K');
    const n = node.intAttributes.get('N');
    if (k === undefined || n === undefined)
      throw rewriteError(`MatMulNBits node ${node.name} lacks K/N attributes.`);
    return { inFeatures: Number(k), outFeatures: Number(n) };
  }
  const weightName = node.inputs[1] ?? '';
  const weight = graph.initializers.get(weightName);
  if (weight?.dims.length === 2) return { inFeatures: weight.dims[0]!, outFeatures: weight.dims[1]! };
  // torch exports sometimes feed the weight through a Transpose of a [out, in] initializer.
  const producer = graph.nodes.find((n) => n.outputs.includes(weightName));
  const source =
    producer?.opType === 'Transpose' ? graph.initializers.get(producer.inputs[0] ?? '') : undefined;
  if (source?.dims.length === 2) return { inFeatures: source.dims[1]!, outFeatures: source.dims[0]! };
  throw rewriteError(`cannot tell the weight shape of ${node.name} (input ${weightName}).`);
}

function rewriteError(message: string): HearthError {
  return new HearthError('LORA_REWRITE_FAILED', `This model cannot take LoRA adapters: ${message}`);
}

/** A graph input `[inFeatures or symbolic rank, ...]` of the activations' element type. */
function graphInput(name: string, dims: Array<number | string>, elemType: number): Uint8Array {
  return new MessageWriter()
    .string(ONNX.valueInfo.name, name)
    .message(ONNX.valueInfo.type, (type) =>
      type.message(ONNX.type.tensor, (tensor) =>
        tensor.varint(ONNX.tensorType.elemType, elemType).message(ONNX.tensorType.shape, (shape) => {
          for (const dim of dims) {
            shape.message(ONNX.shape.dim, (d) =>
              typeof dim === 'number' ? d.varint(ONNX.dim.value, dim) : d.string(ONNX.dim.param, dim),
            );
          }
        }),
      ),
    )
    .finish();
}

function node(name: string, opType: string, inputs: string[], outputs: string[]): Uint8Array {
  const writer = new MessageWriter();
  inputs.forEach((input) => writer.string(ONNX.node.input, input));
  outputs.forEach((output) => writer.string(ONNX.node.output, output));
  return writer.string(ONNX.node.name, name).string(ONNX.node.opType, opType).finish();
}

/** The target node with its output renamed, every other field byte for byte. */
function renameOutput(target: OnnxNode, from: string, to: string): Uint8Array {
  const writer = new MessageWriter();
  for (const field of target.fields) {
    if (field.field === ONNX.node.output && new TextDecoder().decode(field.payload) === from)
      writer.string(ONNX.node.output, to);
    else writer.raw(field.raw);
  }
  return writer.finish();
}

/**
 * Gives every linear projection of every block `y = base(x) + (x @ A) @ B`, with A `[in, r]` and
 * B `[r, out]` as new graph inputs of symbolic rank (the LoRA scale is folded into B by the caller).
 * Done once at load, for all seven projections, so any later adapter runs on the same session.
 * The new nodes follow their projection, so the graph stays topologically sorted.
 */
export function rewriteForLora(model: Uint8Array, options: { elemType?: number } = {}): RewriteResult {
  const elemType = options.elemType ?? TensorElementType.FLOAT;
  let graph: OnnxGraph;
  try {
    graph = readOnnxGraph(model);
  } catch (error) {
    throw rewriteError(`the ONNX file could not be parsed (${(error as Error).message}).`);
  }
  const already = graph.inputNames.find((name) => name.startsWith('lora.'));
  if (already) throw rewriteError(`it already has LoRA inputs (${already}).`);
  const byField = new Map<number, { target: LoraTarget; node: OnnxNode }>();
  const seen = new Set<string>();
  for (const candidate of graph.nodes) {
    if (!isProjectionMatMul(candidate)) continue;
    const parsed = parseProjectionName(candidate.name) ?? parseProjectionName(candidate.inputs[1] ?? '');
    if (!parsed) continue;
    const module = moduleName(parsed.layer, parsed.projection);
    if (seen.has(module)) throw rewriteError(`two nodes claim to be ${module}.`);
    seen.add(module);
    if (candidate.outputs.length !== 1)
      throw rewriteError(`${candidate.name} has ${candidate.outputs.length} outputs.`);
    const { inFeatures, outFeatures } = featuresOf(candidate, graph);
    byField.set(candidate.fieldIndex, {
      node: candidate,
      target: {
        module,
        ...parsed,
        inFeatures,
        outFeatures,
        inputA: `lora.${module}.A`,
        inputB: `lora.${module}.B`,
      },
    });
  }
  if (byField.size === 0) throw rewriteError('no q/k/v/o/gate/up/down projection nodes were found.');

  const graphWriter = new MessageWriter();
  let lastInput = graph.graphFields.reduce(
    (last, field, index) => (field.field === ONNX.graph.input ? index : last),
    -1,
  );
  if (lastInput < 0) lastInput = graph.graphFields.length - 1;
  const targets = [...byField.values()].map((entry) => entry.target);

  graph.graphFields.forEach((field, index) => {
    const entry = byField.get(index);
    if (!entry) graphWriter.raw(field.raw);
    else {
      const { node: target, target: lora } = entry;
      const output = target.outputs[0]!;
      const base = `${output}/lora_base`;
      graphWriter.bytes(ONNX.graph.node, renameOutput(target, output, base));
      graphWriter.bytes(
        ONNX.graph.node,
        node(`/lora/${lora.module}/xA`, 'MatMul', [target.inputs[0]!, lora.inputA], [`${output}/lora_xa`]),
      );
      graphWriter.bytes(
        ONNX.graph.node,
        node(
          `/lora/${lora.module}/xAB`,
          'MatMul',
          [`${output}/lora_xa`, lora.inputB],
          [`${output}/lora_delta`],
        ),
      );
      graphWriter.bytes(
        ONNX.graph.node,
        node(`/lora/${lora.module}/add`, 'Add', [base, `${output}/lora_delta`], [output]),
      );
    }
    if (index === lastInput) {
      for (const lora of targets) {
        const rank = `lora_rank_${lora.module.replaceAll('.', '_')}`;
        graphWriter.bytes(ONNX.graph.input, graphInput(lora.inputA, [lora.inFeatures, rank], elemType));
        graphWriter.bytes(ONNX.graph.input, graphInput(lora.inputB, [rank, lora.outFeatures], elemType));
      }
    }
  });

  const modelWriter = new MessageWriter();
  graph.modelFields.forEach((field, index) => {
    if (index === graph.graphFieldIndex) modelWriter.bytes(ONNX.model.graph, graphWriter.finish());
    else modelWriter.raw(field.raw);
  });
  targets.sort((a, b) => a.layer - b.layer || a.module.localeCompare(b.module));
  return { model: modelWriter.finish(), targets };
}
