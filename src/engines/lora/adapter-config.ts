import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';

/** `adapter_config.json` as PEFT writes it; fields we cannot honour are refused, not ignored. */
export const adapterConfigSchema = z
  .object({
    peft_type: z.string().optional(),
    r: z.number().int(),
    lora_alpha: z.number(),
    target_modules: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional(),
    use_rslora: z.boolean().optional().default(false),
    fan_in_fan_out: z.boolean().optional().default(false),
    base_model_name_or_path: z.string().nullable().optional(),
    rank_pattern: z.record(z.string(), z.number().int()).nullable().optional(),
    alpha_pattern: z.record(z.string(), z.number()).nullable().optional(),
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

export function adapterError(message: string): HearthError {
  return new HearthError('ADAPTER_INVALID', `Adapter refused: ${message}`);
}

export function parseAdapterConfig(json: unknown): AdapterConfig {
  const parsed = adapterConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw adapterError(
      `adapter_config.json: ${issue?.path.join('.') || 'root'} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  const config = parsed.data;
  if (config.peft_type && config.peft_type.toUpperCase() !== 'LORA')
    throw adapterError(`peft_type ${config.peft_type} is not LORA.`);
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
  return config;
}

/** PEFT's rule: a pattern key applies to a module whose name ends with `.key` (or equals it). */
function patternFor(module: string, patterns: Record<string, number> | null | undefined): number | undefined {
  if (!patterns) return undefined;
  for (const [key, value] of Object.entries(patterns)) {
    if (new RegExp(`(^|.*\\.)${key}$`).test(module)) return value;
  }
  return undefined;
}

export function rankOf(config: AdapterConfig, module: string): number {
  return patternFor(module, config.rank_pattern) ?? config.r;
}

/** The factor folded into B: alpha / r, or alpha / sqrt(r) for rsLoRA. */
export function scaleOf(config: AdapterConfig, module: string): number {
  const rank = rankOf(config, module);
  const alpha = patternFor(module, config.alpha_pattern) ?? config.lora_alpha;
  return config.use_rslora ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** Does `target_modules` select this module? (list: name or suffix; string: full regex; 'all-linear'). */
export function isTargeted(config: AdapterConfig, module: string): boolean {
  const targets = config.target_modules;
  if (targets === null || targets === undefined) return false;
  if (targets === 'all-linear') return true;
  if (typeof targets === 'string') return new RegExp(`^(?:${targets})$`).test(module);
  return targets.some((target) => module === target || module.endsWith(`.${target}`));
}
