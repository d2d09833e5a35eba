import { z } from 'zod';

/** A lowercase hex SHA-256 digest. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest is 64 lowercase hex digits');

/** A path inside a repository in hub layout: no leading slash, no `..`, no empty segments. */
export const repoPath = z
  .string()
  .min(1)
  .refine(
    (path) => path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
    'a file path is relative to the repository and has no empty, "." or ".." segments',
  );

/** One file of a model. `size` and `sha256` are pinned only where they are known exactly. */
export const modelFileSchema = z.object({
  path: repoPath,
  size: z.number().int().nonnegative().optional(),
  sha256: sha256Hex.optional(),
  /** A rounded size from the hub's file listing, for showing before anything is downloaded. */
  approxSize: z.number().int().nonnegative().optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/**
 * Where the files live: `<baseUrl>/<repo>/resolve/<revision>/<path>`. The hub, a mirror that
 * copies its layout, or the app's own `/models` folder.
 */
export const modelSourceSchema = z.object({
  baseUrl: z.string().min(1),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a repository is "owner/name"'),
  revision: z.string().min(1),
});
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const dtypeSchema = z.enum(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);
export type Dtype = z.infer<typeof dtypeSchema>;

/** The graph files of one precision; a model picks one variant and downloads only its files. */
export const dtypeVariantSchema = z.object({ files: z.array(modelFileSchema).min(1) });

export const embedFactsSchema = z.object({
  dimensions: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls']),
  normalize: z.boolean(),
  /** Token limit the model was trained for (specials included); longer texts are truncated. */
  maxTokens: z.number().int().positive(),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
});
export type EmbedFacts = z.infer<typeof embedFactsSchema>;

export const chatFactsSchema = z.object({
  architecture: z.enum(['llama', 'qwen2']),
  contextLength: z.number().int().positive(),
  layers: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  attentionHeads: z.number().int().positive(),
  keyValueHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  /** The template itself is read from tokenizer_config.json; this names its family (special tokens, tool calls). */
  chatFormat: z.enum(['chatml']),
});
export type ChatFacts = z.infer<typeof chatFactsSchema>;

const entryBase = {
  id: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  description: z.string(),
  license: z.string(),
  source: modelSourceSchema,
  /** Files every variant needs (config, tokenizer). */
  files: z.array(modelFileSchema),
  dtypes: z.partialRecord(dtypeSchema, dtypeVariantSchema),
  defaultDtype: dtypeSchema,
};

export const catalogEntrySchema = z
  .discriminatedUnion('kind', [
    z.object({ ...entryBase, kind: z.literal('embed'), embed: embedFactsSchema }),
    z.object({ ...entryBase, kind: z.literal('chat'), chat: chatFactsSchema }),
  ])
  .superRefine((entry, ctx) => {
    if (!entry.dtypes[entry.defaultDtype]) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultDtype'],
        message: `default dtype ${entry.defaultDtype} has no files`,
      });
    }
    const seen = new Set<string>();
    for (const file of entry.files) {
      if (seen.has(file.path))
        ctx.addIssue({ code: 'custom', path: ['files'], message: `${file.path} listed twice` });
      seen.add(file.path);
    }
    for (const [dtype, variant] of Object.entries(entry.dtypes)) {
      for (const file of variant?.files ?? []) {
        if (seen.has(file.path))
          ctx.addIssue({
            code: 'custom',
            path: ['dtypes', dtype],
            message: `${file.path} is both a common file and a ${dtype} file`,
          });
      }
    }
    if (entry.kind === 'chat' && entry.chat.hiddenSize !== entry.chat.attentionHeads * entry.chat.headDim) {
      ctx.addIssue({
        code: 'custom',
        path: ['chat'],
        message: 'hiddenSize must equal attentionHeads * headDim',
      });
    }
  });
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const catalogSchema = z.array(catalogEntrySchema).superRefine((entries, ctx) => {
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) ctx.addIssue({ code: 'custom', message: `model ${entry.id} listed twice` });
    ids.add(entry.id);
  }
});
