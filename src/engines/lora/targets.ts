import { HearthError } from '../../core/errors.ts';

/** The linear projections of a Llama-family block that an adapter may target. */
export const PROJECTIONS = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
] as const;
export type Projection = (typeof PROJECTIONS)[number];

const BLOCK_OF: Record<Projection, 'self_attn' | 'mlp'> = {
  q_proj: 'self_attn',
  k_proj: 'self_attn',
  v_proj: 'self_attn',
  o_proj: 'self_attn',
  gate_proj: 'mlp',
  up_proj: 'mlp',
  down_proj: 'mlp',
};

/** PEFT's module path for a projection, as adapters name it (after `base_model.model.`). */
export function moduleName(layer: number, projection: Projection): string {
  return `model.layers.${layer}.${BLOCK_OF[projection]}.${projection}`;
}

/**
 * Finds layer and projection in an ONNX node or initializer name. Works for onnx-community exports
 * (`/model/layers.3/self_attn/q_proj/MatMul`, `..._Q4`) and torch exports
 * (`model.layers.3.self_attn.q_proj.weight`, `/model/layers.3/mlp/down_proj/MatMul`).
 */
export function parseProjectionName(name: string): { layer: number; projection: Projection } | null {
  const match =
    /layers[./_](\d+)[./](?:self_attn|attn|mlp)[./](q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)\b/.exec(
      name,
    );
  if (!match) return null;
  return { layer: Number(match[1]), projection: match[2] as Projection };
}

export interface LoraTarget {
  /** PEFT module name, e.g. `model.layers.0.self_attn.q_proj`. */
  module: string;
  layer: number;
  projection: Projection;
  inFeatures: number;
  outFeatures: number;
  /**
   * Graph inputs of this projection kind's stacked A `[layers, in, r]` and B `[layers, r, out]`;
   * this module's are the slices at `layer`.
   */
  inputA: string;
  inputB: string;
}

/** One stacked pair of graph inputs: every layer's A and B of one projection kind. */
export interface StackedKind {
  projection: LoraTarget['projection'];
  inputA: string;
  inputB: string;
  /** Depth of the stack: the highest layer index + 1 (a layer without this projection holds zeros). */
  layers: number;
  inFeatures: number;
  outFeatures: number;
}

/** The stacks the targets live in; every layer's projection of a kind must have the same shape. */
export function stackedKinds(targets: LoraTarget[]): StackedKind[] {
  const kinds = new Map<string, StackedKind>();
  for (const target of targets) {
    const kind = kinds.get(target.inputA);
    if (!kind) {
      kinds.set(target.inputA, {
        projection: target.projection,
        inputA: target.inputA,
        inputB: target.inputB,
        layers: target.layer + 1,
        inFeatures: target.inFeatures,
        outFeatures: target.outFeatures,
      });
      continue;
    }
    if (kind.inFeatures !== target.inFeatures || kind.outFeatures !== target.outFeatures) {
      throw new HearthError(
        'LORA_REWRITE_FAILED',
        `This model cannot take LoRA adapters: ${target.module} is [${target.inFeatures}, ${target.outFeatures}] but other ${target.projection} projections are [${kind.inFeatures}, ${kind.outFeatures}].`,
      );
    }
    kind.layers = Math.max(kind.layers, target.layer + 1);
  }
  return [...kinds.values()];
}
