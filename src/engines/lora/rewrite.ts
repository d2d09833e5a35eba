import { HearthError } from '../../core/errors.ts';
import { DataType, int64Message, nodeMessage } from '../onnx-graph/graph.ts';
import { asString, fields, MessageWriter, type Field } from '../onnx-graph/protobuf.ts';
import { ONNX, readOnnxGraph, type OnnxGraph, type OnnxNode } from './onnx-graph.ts';
import { moduleName, parseProjectionName, stackedKinds, type LoraTarget } from './targets.ts';

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
 * Gives every linear projection of every block `y = base(x) + (x @ A) @ B` (the LoRA scale is folded
 * into B by the caller). Done once at load, for all seven projections, so any later adapter runs on
 * the same session. A and B come from one pair of graph inputs per projection kind, stacked over
 * layers: `lora.q_proj.A` `[layers, in, r]` and `lora.q_proj.B` `[layers, r, out]`, of symbolic
 * rank; each projection Gathers its layer's slice. Fourteen inputs rather than two per module:
 * onnxruntime-web's cost per graph input (~10 µs a run on WASM) made 420 of them on a 30-layer model
 * cost more than all the LoRA arithmetic. The new nodes follow their projection, so the graph stays
 * topologically sorted.
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
        inputA: `lora.${parsed.projection}.A`,
        inputB: `lora.${parsed.projection}.B`,
      },
    });
  }
  if (byField.size === 0) throw rewriteError('no q/k/v/o/gate/up/down projection nodes were found.');

  const targets = [...byField.values()].map((entry) => entry.target);
  const kinds = stackedKinds(targets);
  const layerIndex = (layer: number) => `/lora/layer_${layer}`;
  const layers = [...new Set(targets.map((target) => target.layer))];

  const graphWriter = new MessageWriter();
  let lastInput = graph.graphFields.reduce(
    (last, field, index) => (field.number === ONNX.graph.input ? index : last),
    -1,
  );
  if (lastInput < 0) lastInput = graph.graphFields.length - 1;

  graph.graphFields.forEach((field, index) => {
    const entry = byField.get(field);
    if (!entry) graphWriter.raw(field.raw);
    else {
      const { node: target, target: lora } = entry;
      const output = target.outputs[0]!;
      const base = `${output}/lora_base`;
      const a = `${output}/lora_a`;
      const b = `${output}/lora_b`;
      const xa = `${output}/lora_xa`;
      const delta = `${output}/lora_delta`;
      const name = (step: string) => `/lora/${lora.module}/${step}`;
      graphWriter
        .bytesField(ONNX.graph.node, renameOutput(target, output, base))
        .bytesField(
          ONNX.graph.node,
          nodeMessage('Gather', name('A'), [lora.inputA, layerIndex(lora.layer)], [a]),
        )
        .bytesField(
          ONNX.graph.node,
          nodeMessage('Gather', name('B'), [lora.inputB, layerIndex(lora.layer)], [b]),
        )
        .bytesField(ONNX.graph.node, nodeMessage('MatMul', name('xA'), [target.inputs[0]!, a], [xa]))
        .bytesField(ONNX.graph.node, nodeMessage('MatMul', name('xAB'), [xa, b], [delta]))
        .bytesField(ONNX.graph.node, nodeMessage('Add', name('add'), [base, delta], [output]));
    }
    if (index === lastInput) {
      for (const kind of kinds) {
        const rank = `lora_rank_${kind.projection}`;
        const dims = [kind.layers, kind.inFeatures, rank];
        graphWriter.bytesField(ONNX.graph.input, graphInput(kind.inputA, dims, elemType));
        graphWriter.bytesField(
          ONNX.graph.input,
          graphInput(kind.inputB, [kind.layers, rank, kind.outFeatures], elemType),
        );
      }
    }
  });
  for (const layer of layers) {
    // A scalar index: Gather drops the layer axis.
    graphWriter.bytesField(ONNX.graph.initializer, int64Message(layerIndex(layer), BigInt(layer), []));
  }

  const modelWriter = new MessageWriter();
  for (const field of graph.modelFields) {
    if (field === graph.graphField) modelWriter.bytesField(ONNX.model.graph, graphWriter);
    else modelWriter.raw(field.raw);
  }
  targets.sort((a, b) => a.layer - b.layer || a.module.localeCompare(b.module));
  return { model: modelWriter.toBytes(), targets };
}
