import { parseSafetensors, tensorToFloat32, type SafetensorsTensor } from '../../core/safetensors.ts';
import { HearthError } from '../../core/errors.ts';
import {
  adapterError,
  alphaSourceOf,
  isLayerTransformed,
  isTargeted,
  parseAdapterConfig,
  rankOf,
  scaleOf,
  type AdapterConfig,
} from './adapter-config.ts';
import type { LoraTarget } from './targets.ts';

/** One module's weights in the layout the rewritten graph takes: A [in, r], B [r, out] with the scale folded in. */
export interface AdapterModule {
  module: string;
  rank: number;
  a: Float32Array;
  b: Float32Array;
}

export interface PreparedAdapter {
  config: AdapterConfig;
  modules: Map<string, AdapterModule>;
  /** Bytes of A and B as kept for the engine (float32). */
  bytes: number;
  warnings: string[];
}

const TENSOR_NAME = /^base_model\.model\.(.+)\.(lora_A|lora_B)(?:\.[A-Za-z0-9_-]+)?\.weight$/;

function transpose(data: Float32Array, rows: number, cols: number, scale = 1): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]! * scale;
  return out;
}

function checkFinite(name: string, data: Float32Array): void {
  for (const value of data) {
    if (!Number.isFinite(value)) throw adapterError(`tensor ${name} holds NaN or infinite values.`);
  }
}

/**
 * Reads a PEFT LoRA adapter and checks it against the base model's rewritable projections.
 * Every problem is an ADAPTER_INVALID error that names the tensor or field at fault.
 */
export function preparePeftAdapter(
  files: { config: unknown; weights: Uint8Array },
  base: { modelId: string; targets: LoraTarget[] },
): PreparedAdapter {
  const config = parseAdapterConfig(files.config);
  let tensors: Map<string, SafetensorsTensor>;
  try {
    tensors = parseSafetensors(files.weights).tensors;
  } catch (error) {
    throw adapterError(error instanceof HearthError ? error.message : String(error));
  }
  const targets = new Map(base.targets.map((target) => [target.module, target]));
  const warnings: string[] = [];
  const baseName = config.base_model_name_or_path;
  if (
    baseName &&
    baseName !== base.modelId &&
    !base.modelId.endsWith(`/${baseName}`) &&
    !baseName.endsWith(base.modelId)
  ) {
    warnings.push(`The adapter was trained on ${baseName}, not ${base.modelId}; its output may be poor.`);
  }

  if (Array.isArray(config.target_modules)) {
    for (const wanted of config.target_modules) {
      if (![...targets.keys()].some((module) => module === wanted || module.endsWith(`.${wanted}`))) {
        throw adapterError(`target module "${wanted}" does not exist in ${base.modelId}.`);
      }
    }
  }

  const pairs = new Map<string, { a?: SafetensorsTensor; b?: SafetensorsTensor }>();
  for (const [name, tensor] of tensors) {
    const match = TENSOR_NAME.exec(name);
    if (!match)
      throw adapterError(
        `tensor ${name} is not a LoRA A/B weight (bias, DoRA magnitude or saved modules are not supported).`,
      );
    const module = match[1]!;
    const pair = pairs.get(module) ?? {};
    if (match[2] === 'lora_A') pair.a = tensor;
    else pair.b = tensor;
    pairs.set(module, pair);
  }
  if (pairs.size === 0) throw adapterError('adapter_model.safetensors holds no LoRA weights.');

  // Every name is checked against the model before any pair is: a tensor of a layer the model lacks is
  // reported as such, not as the partner it left missing.
  for (const module of pairs.keys()) {
    if (!targets.has(module))
      throw adapterError(
        `module ${module} does not exist in ${base.modelId} (or is not a linear projection).`,
      );
  }

  const modules = new Map<string, AdapterModule>();
  const skipped: string[] = [];
  let bytes = 0;
  for (const [module, pair] of pairs) {
    const target = targets.get(module)!;
    if (!pair.a || !pair.b)
      throw adapterError(`module ${module} lacks its ${pair.a ? 'lora_B' : 'lora_A'} weight.`);
    if (!isLayerTransformed(config, target.layer)) {
      skipped.push(module);
      continue;
    }
    if (!isTargeted(config, module))
      warnings.push(`${module} has weights but is not in target_modules; applied anyway.`);
    for (const tensor of [pair.a, pair.b]) {
      if (!['F32', 'F16', 'BF16'].includes(tensor.dtype))
        throw adapterError(`tensor ${tensor.name} is ${tensor.dtype}; expected F32, F16 or BF16.`);
    }
    const rank = rankOf(config, module);
    const [aRows, aCols] = pair.a.shape;
    const [bRows, bCols] = pair.b.shape;
    if (pair.a.shape.length !== 2 || aRows !== rank || aCols !== target.inFeatures) {
      throw adapterError(
        `${pair.a.name} has shape ${JSON.stringify(pair.a.shape)}; expected [${rank}, ${target.inFeatures}].`,
      );
    }
    if (pair.b.shape.length !== 2 || bRows !== target.outFeatures || bCols !== rank) {
      throw adapterError(
        `${pair.b.name} has shape ${JSON.stringify(pair.b.shape)}; expected [${target.outFeatures}, ${rank}].`,
      );
    }
    const a = tensorToFloat32(pair.a);
    const b = tensorToFloat32(pair.b);
    checkFinite(pair.a.name, a);
    checkFinite(pair.b.name, b);
    const scale = scaleOf(config, module);
    const scaledB = transpose(b, target.outFeatures, rank, scale);
    // Finite weights times a huge alpha overflow float32 to infinity, and every logit after them is NaN.
    if (!Number.isFinite(scale) || scaledB.some((value) => !Number.isFinite(value))) {
      throw adapterError(
        `${alphaSourceOf(config, module)} gives ${module} the scale ${scale}, which overflows its weights; use an alpha of the order of r.`,
      );
    }
    const prepared = { module, rank, a: transpose(a, rank, target.inFeatures), b: scaledB };
    bytes += prepared.a.byteLength + prepared.b.byteLength;
    modules.set(module, prepared);
  }
  if (skipped.length)
    warnings.push(
      `${skipped.length} module(s) have weights outside layers_to_transform and are not applied (as PEFT would not): ${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}.`,
    );
  if (modules.size === 0)
    throw adapterError('layers_to_transform excludes every module the adapter has weights for.');
  return { config, modules, bytes, warnings };
}
