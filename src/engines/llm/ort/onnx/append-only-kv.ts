import { DataType, nodeMessage, tensorMessage } from '../../../onnx/graph.ts';
import { ONNX, readOnnxGraph, valueInfoName, type OnnxGraph } from '../../../onnx/onnx-graph.ts';
import { asString, fields, MessageWriter, type Field } from '../../../onnx/protobuf.ts';

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
 * Everything between is untouched, so the model computes exactly what it did before.
 * Returns undefined when the graph lacks the inputs this needs (then the cache is fed back whole).
 */
export function appendOnlyKv(model: Uint8Array): Uint8Array | undefined {
  const graph = readOnnxGraph(model);
  const inputs = new Set(graph.inputNames);
  const outputs = new Set(graph.outputNames);
  if (!inputs.has('input_ids') || !inputs.has('attention_mask')) return undefined;
  const past = graph.inputNames.filter((name) => PAST.test(name));
  const presentOf = (name: string) => name.replace(PAST, 'present.$1.$2');
  if (past.length === 0 || past.some((name) => !outputs.has(presentOf(name)))) return undefined;
  const present = past.map(presentOf);

  const renames = new Map<string, string>();
  for (const name of past) renames.set(name, `${name}/used`);
  for (const name of present) renames.set(name, `${name}/full`);
  const presentSet = new Set(present);
  const pastLength = `${PREFIX}/past_length`;

  const head = [
    nodeMessage('Shape', `${PREFIX}/mask_shape`, ['attention_mask'], [`${PREFIX}/mask_shape`]),
    nodeMessage('Gather', `${PREFIX}/total`, [`${PREFIX}/mask_shape`, `${PREFIX}/one`], [`${PREFIX}/total`]),
    nodeMessage('Shape', `${PREFIX}/ids_shape`, ['input_ids'], [`${PREFIX}/ids_shape`]),
    nodeMessage('Gather', `${PREFIX}/added`, [`${PREFIX}/ids_shape`, `${PREFIX}/one`], [`${PREFIX}/added`]),
    nodeMessage('Sub', pastLength, [`${PREFIX}/total`, `${PREFIX}/added`], [pastLength]),
    ...past.map((name) =>
      nodeMessage(
        'Slice',
        `${PREFIX}/${name}`,
        [name, `${PREFIX}/zero`, pastLength, `${PREFIX}/sequence_axis`],
        [`${name}/used`],
      ),
    ),
  ];
  const tail = present.map((name) =>
    nodeMessage(
      'Slice',
      `${PREFIX}/${name}`,
      [`${name}/full`, pastLength, `${PREFIX}/end`, `${PREFIX}/sequence_axis`],
      [name],
    ),
  );
  const int64 = (name: string, value: bigint) =>
    tensorMessage(`${PREFIX}/${name}`, [1], DataType.INT64, BigInt64Array.of(value));
  const constants = [
    int64('zero', 0n),
    int64('one', 1n),
    int64('sequence_axis', 2n),
    int64('end', 2n ** 63n - 1n),
  ];

  return writeGraph(graph, (field, out) => {
    if (field.number === ONNX.graph.node) {
      if (field === firstNode(graph)) for (const node of head) out.bytesField(ONNX.graph.node, node);
      out.bytesField(ONNX.graph.node, renameNodeTensors(field, renames));
      if (field === lastNode(graph)) {
        for (const node of tail) out.bytesField(ONNX.graph.node, node);
        for (const constant of constants) out.bytesField(ONNX.graph.initializer, constant);
      }
    } else if (field.number === ONNX.graph.output && presentSet.has(valueInfoName(field))) {
      // The declared shape (past + new positions) no longer holds: keep the name and element type.
      out.bytesField(ONNX.graph.output, withoutShape(field));
    } else if (field.number === ONNX.graph.valueInfo && presentSet.has(valueInfoName(field))) {
      // Dropped for the same reason; ORT infers it again.
    } else out.raw(field.raw);
  });
}

function firstNode(graph: OnnxGraph): Field {
  return graph.nodes[0]!.field;
}

function lastNode(graph: OnnxGraph): Field {
  return graph.nodes.at(-1)!.field;
}

function writeGraph(graph: OnnxGraph, write: (field: Field, out: MessageWriter) => void): Uint8Array {
  const graphWriter = new MessageWriter();
  for (const field of graph.graphFields) write(field, graphWriter);
  const modelWriter = new MessageWriter();
  for (const field of graph.modelFields) {
    if (field === graph.graphField) modelWriter.bytesField(ONNX.model.graph, graphWriter);
    else modelWriter.raw(field.raw);
  }
  return modelWriter.toBytes();
}

/** A node with some input and output names replaced, every other field byte for byte. */
function renameNodeTensors(node: Field, renames: ReadonlyMap<string, string>): Uint8Array | MessageWriter {
  let changed = false;
  const writer = new MessageWriter();
  for (const field of fields(node.bytes)) {
    const renamed =
      field.number === ONNX.node.input || field.number === ONNX.node.output
        ? renames.get(asString(field))
        : undefined;
    if (renamed === undefined) writer.raw(field.raw);
    else {
      writer.stringField(field.number, renamed);
      changed = true;
    }
  }
  return changed ? writer : node.bytes;
}

function withoutShape(valueInfo: Field): MessageWriter {
  const writer = new MessageWriter();
  for (const field of fields(valueInfo.bytes)) {
    if (field.number !== ONNX.valueInfo.type) {
      writer.raw(field.raw);
      continue;
    }
    const type = new MessageWriter();
    for (const part of fields(field.bytes)) {
      if (part.number !== ONNX.type.tensor) {
        type.raw(part.raw);
        continue;
      }
      const tensor = new MessageWriter();
      for (const entry of fields(part.bytes))
        if (entry.number !== ONNX.tensorType.shape) tensor.raw(entry.raw);
      type.bytesField(ONNX.type.tensor, tensor);
    }
    writer.bytesField(ONNX.valueInfo.type, type);
  }
  return writer;
}
