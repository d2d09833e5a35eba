import { z } from 'zod';
import { adapterError } from './adapter-error.ts';
import { compilePattern, compilePatternKey, MAX_PATTERN_KEYS, type ModulePattern } from './patterns.ts';

export { adapterError } from './adapter-error.ts';

const finite = z.number().finite();

/** `adapter_config.json` as PEFT writes it; fields we cannot honour are refused, not ignored. */
export const adapterConfigSchema = z
  .object({
    peft_type: z.string().optional(),
    r: z.number().int(),
    lora_alpha: finite,
    target_modules: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional(),
    use_rslora: z.boolean().optional().default(false),
    fan_in_fan_out: z.boolean().optional().default(false),
    base_model_name_or_path: z.string().nullable().optional(),
    rank_pattern: z.record(z.string(), z.number().int()).nullable().optional(),
    alpha_pattern: z.record(z.string(), finite).nullable().optional(),
    use_dora: z.boolean().optional().default(false),
    modules_to_save: z.array(z.string()).nullable().optional(),
    bias: z.string().optional().default('none'),
    layers_to_transform: z
      .union([z.array(z.number().int()), z.number().int()])
      .nullable()
      .optional(),
  })
  .passthrough();

export type AdapterConfig = z.infer<typeof adapterConfigSchema>;

interface CompiledPatterns {
  targets: ModulePattern | null;
  rank: Array<[ModulePattern, number]>;
  alpha: Array<[ModulePattern, number]>;
}

/** Compiled once per config: matching runs for every module of the base model. */
const compiledPatterns = new WeakMap<AdapterConfig, CompiledPatterns>();

function compileKeys(
  patterns: Record<string, number> | null | undefined,
  field: string,
): Array<[ModulePattern, number]> {
  const entries = Object.entries(patterns ?? {});
  if (entries.length > MAX_PATTERN_KEYS)
    throw adapterError(`${field} has ${entries.length} keys; at most ${MAX_PATTERN_KEYS} are accepted.`);
  return entries.map(([key, value]) => [compilePatternKey(key, field), value]);
}

function patternsOf(config: AdapterConfig): CompiledPatterns {
  let compiled = compiledPatterns.get(config);
  if (!compiled) {
    const targets = config.target_modules;
    compiled = {
      targets:
        typeof targets === 'string' && targets !== 'all-linear'
          ? compilePattern(targets, 'target_modules')
          : null,
      rank: compileKeys(config.rank_pattern, 'rank_pattern'),
      alpha: compileKeys(config.alpha_pattern, 'alpha_pattern'),
    };
    compiledPatterns.set(config, compiled);
  }
  return compiled;
}

export function parseAdapterConfig(json: unknown): AdapterConfig {
  // The adapter kind first: another PEFT method's config fails the LoRA schema for reasons beside the point.
  const peftType = (json as { peft_type?: unknown } | null)?.peft_type;
  if (typeof peftType === 'string' && peftType.toUpperCase() !== 'LORA')
    throw adapterError(`peft_type ${peftType.slice(0, 40)} is not LORA; only LoRA adapters can be loaded.`);
  const parsed = adapterConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw adapterError(
      `adapter_config.json: ${issue?.path.join('.') || 'root'} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  const config = parsed.data;
  if (config.r < 1) throw adapterError(`rank r=${config.r}; a LoRA rank must be at least 1.`);
  if (config.use_dora)
    throw adapterError('DoRA adapters (use_dora: true) are not supported; train a plain LoRA adapter.');
  if (config.modules_to_save?.length) {
    throw adapterError(
      `modules_to_save (${config.modules_to_save.join(', ')}) would replace base weights; not supported.`,
    );
  }
  if (config.bias !== 'none')
    throw adapterError(`bias "${config.bias}" is not supported; train with bias="none".`);
  for (const [pattern, rank] of Object.entries(config.rank_pattern ?? {})) {
    if (rank < 1) throw adapterError(`rank_pattern gives ${pattern} rank ${rank}; ranks must be at least 1.`);
  }
  patternsOf(config); // a pattern that cannot compile refuses the config here, not at the first module
  return config;
}

/** PEFT's rule: the first key with `re.match(rf"(.*\.)?({key})$", module)` applies. */
function patternFor(module: string, patterns: Array<[ModulePattern, number]>): number | undefined {
  for (const [pattern, value] of patterns) if (pattern.matchAtStart(module)) return value;
  return undefined;
}

export function rankOf(config: AdapterConfig, module: string): number {
  return patternFor(module, patternsOf(config).rank) ?? config.r;
}

/** Where a module's alpha comes from, so that an overflow can name the field at fault. */
export function alphaSourceOf(config: AdapterConfig, module: string): 'alpha_pattern' | 'lora_alpha' {
  return patternFor(module, patternsOf(config).alpha) === undefined ? 'lora_alpha' : 'alpha_pattern';
}

/** The factor folded into B: alpha / r, or alpha / sqrt(r) for rsLoRA. */
export function scaleOf(config: AdapterConfig, module: string): number {
  const rank = rankOf(config, module);
  const alpha = patternFor(module, patternsOf(config).alpha) ?? config.lora_alpha;
  return config.use_rslora ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** Does `target_modules` select this module? (list: name or suffix; string: Python `re.fullmatch`; 'all-linear'). */
export function isTargeted(config: AdapterConfig, module: string): boolean {
  const targets = config.target_modules;
  if (targets === null || targets === undefined) return false;
  if (targets === 'all-linear') return true;
  if (typeof targets === 'string') return patternsOf(config).targets!.fullMatch(module);
  return targets.some((target) => module === target || module.endsWith(`.${target}`));
}

/** PEFT's `layers_to_transform`: when set, only these layer indices get LoRA weights. */
export function isLayerTransformed(config: AdapterConfig, layer: number): boolean {
  const layers = config.layers_to_transform;
  if (layers === null || layers === undefined) return true;
  return Array.isArray(layers) ? layers.includes(layer) : layers === layer;
}
