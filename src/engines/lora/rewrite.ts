import { HearthError } from '../../core/errors.ts';
import { DataType, nodeMessage } from '../onnx/graph.ts';
import { asString, fields, MessageWriter, type Field } from '../onnx/protobuf.ts';
import { ONNX, readOnnxGraph, type OnnxGraph, type OnnxNode } from './onnx-graph.ts';
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
    const k = node.ints.get('K');
    const n = node.ints.get('N');
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
function graphInput(name: string, dims: Array<number | string>, elemType: number): MessageWriter {
  const shape = new MessageWriter();
  for (const dim of dims) {
    const entry = new MessageWriter();
    if (typeof dim === 'number') entry.varintField(ONNX.dim.value, dim);
    else entry.stringField(ONNX.dim.param, dim);
    shape.bytesField(ONNX.shape.dim, entry);
  }
  const tensor = new MessageWriter()
    .varintField(ONNX.tensorType.elemType, elemType)
    .bytesField(ONNX.tensorType.shape, shape);
  const type = new MessageWriter().bytesField(ONNX.type.tensor, tensor);
  return new MessageWriter().stringField(ONNX.valueInfo.name, name).bytesField(ONNX.valueInfo.type, type);
}

/** The target node with its output renamed, every other field byte for byte. */
function renameOutput(target: OnnxNode, from: string, to: string): MessageWriter {
  const writer = new MessageWriter();
  for (const field of fields(target.field.bytes)) {
    if (field.number === ONNX.node.output && asString(field) === from)
      writer.stringField(ONNX.node.output, to);
    else writer.raw(field.raw);
  }
  return writer;
}

/**
 * Gives every linear projection of every block `y = base(x) + (x @ A) @ B`, with A `[in, r]` and
 * B `[r, out]` as new graph inputs of symbolic rank (the LoRA scale is folded into B by the caller).
 * Done once at load, for all seven projections, so any later adapter runs on the same session.
 * The new nodes follow their projection, so the graph stays topologically sorted.
 */
export function rewriteForLora(model: Uint8Array, options: { elemType?: number } = {}): RewriteResult {
  const elemType = options.elemType ?? DataType.FLOAT;
  let graph: OnnxGraph;
  try {
    graph = readOnnxGraph(model);
  } catch (error) {
    throw rewriteError(`the ONNX file could not be parsed (${(error as Error).message}).`);
  }
  const already = graph.inputNames.find((name) => name.startsWith('lora.'));
  if (already) throw rewriteError(`it already has LoRA inputs (${already}).`);
  const byField = new Map<Field, { target: LoraTarget; node: OnnxNode }>();
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
    byField.set(candidate.field, {
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
    (last, field, index) => (field.number === ONNX.graph.input ? index : last),
    -1,
  );
  if (lastInput < 0) lastInput = graph.graphFields.length - 1;
  const targets = [...byField.values()].map((entry) => entry.target);

  graph.graphFields.forEach((field, index) => {
    const entry = byField.get(field);
    if (!entry) graphWriter.raw(field.raw);
    else {
      const { node: target, target: lora } = entry;
      const output = target.outputs[0]!;
      const base = `${output}/lora_base`;
      const xa = `${output}/lora_xa`;
      const delta = `${output}/lora_delta`;
      graphWriter
        .bytesField(ONNX.graph.node, renameOutput(target, output, base))
        .bytesField(
          ONNX.graph.node,
          nodeMessage('MatMul', `/lora/${lora.module}/xA`, [target.inputs[0]!, lora.inputA], [xa]),
        )
        .bytesField(
          ONNX.graph.node,
          nodeMessage('MatMul', `/lora/${lora.module}/xAB`, [xa, lora.inputB], [delta]),
        )
        .bytesField(ONNX.graph.node, nodeMessage('Add', `/lora/${lora.module}/add`, [base, delta], [output]));
    }
    if (index === lastInput) {
      for (const lora of targets) {
        const rank = `lora_rank_${lora.module.replaceAll('.', '_')}`;
        graphWriter.bytesField(ONNX.graph.input, graphInput(lora.inputA, [lora.inFeatures, rank], elemType));
        graphWriter.bytesField(ONNX.graph.input, graphInput(lora.inputB, [rank, lora.outFeatures], elemType));
      }
    }
  });

  const modelWriter = new MessageWriter();
  for (const field of graph.modelFields) {
    if (field === graph.graphField) modelWriter.bytesField(ONNX.model.graph, graphWriter);
    else modelWriter.raw(field.raw);
  }
  targets.sort((a, b) => a.layer - b.layer || a.module.localeCompare(b.module));
  return { model: modelWriter.toBytes(), targets };
}
