/**
 * The adapter manifest the fine-tuning server publishes and the browser verifies before it loads an adapter.
 * Shared by `server/` (which writes it) and `src/sync/` (which reads it): change it only additively.
 */
import { z } from 'zod';

/** `name` of an adapter: lower-case, URL-safe, no `@` (the version separator) and no `/`. */
export const ADAPTER_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `name@version`, e.g. `support-bot@3`. Versions start at 1 and never change once published. */
export const ADAPTER_ID_PATTERN = /^([a-z0-9][a-z0-9._-]{0,63})@([1-9][0-9]{0,8})$/;

/** File names inside an adapter: a single path segment, never `.` or `..`. */
export const ADAPTER_FILE_NAME_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

export const adapterFileSchema = z.object({
  name: z.string().regex(ADAPTER_FILE_NAME_PATTERN),
  size: z.number().int().nonnegative(),
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AdapterFile = z.infer<typeof adapterFileSchema>;

/** The PEFT `adapter_config.json` fields Hearth relies on; the rest of the file is kept as-is. */
export const peftConfigSchema = z.looseObject({
  peft_type: z.literal('LORA').optional(),
  r: z.number().int().positive(),
  lora_alpha: z.number().positive(),
  lora_dropout: z.number().min(0).max(1).optional(),
  target_modules: z.array(z.string().min(1)).min(1),
  base_model_name_or_path: z.string().nullable().optional(),
});
export type PeftConfig = z.infer<typeof peftConfigSchema>;

export const adapterManifestSchema = z.object({
  object: z.literal('adapter'),
  /** `name@version` */
  id: z.string().regex(ADAPTER_ID_PATTERN),
  name: z.string().regex(ADAPTER_NAME_PATTERN),
  version: z.number().int().positive(),
  /** The `/v1/models` id of the base model, which is also the browser catalog's model id. */
  base_model: z.string().min(1),
  peft_config: peftConfigSchema,
  files: z.array(adapterFileSchema).min(1),
  /** Unix seconds. */
  created_at: z.number().int().nonnegative(),
  /** The fine-tuning job that produced it, or null for an uploaded adapter. */
  job_id: z.string().nullable(),
  /** The project that owns it. */
  owner: z.string().min(1),
});
export type AdapterManifest = z.infer<typeof adapterManifestSchema>;

export const adapterListSchema = z.object({
  object: z.literal('list'),
  data: z.array(adapterManifestSchema),
  has_more: z.boolean(),
});
export type AdapterList = z.infer<typeof adapterListSchema>;

export function parseAdapterId(id: string): { name: string; version: number } | null {
  const match = ADAPTER_ID_PATTERN.exec(id);
  return match ? { name: match[1]!, version: Number(match[2]) } : null;
}

export function formatAdapterId(name: string, version: number): string {
  return `${name}@${version}`;
}
