import { z } from 'zod';

/**
 * The models, device and mirror the person chose in the Models view: one small settings module
 * that the Chat view and Documents read through `hearth-instance.ts`, so a choice made once is the
 * one every view loads, after a reload too. Kept in localStorage (read synchronously while the
 * shell starts, before any worker); key `hearth:model-choice`.
 */
export const MODEL_CHOICE_KEY = 'hearth:model-choice';

export const modelChoiceSchema = z.object({
  chatModel: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  embedModel: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  device: z.enum(['auto', 'webgpu', 'wasm']),
  /** A server in the hub's layout (`/<repo>/resolve/<revision>/<file>`) to download from instead of each model's own. */
  mirror: z.url().optional(),
});
export type ModelChoice = z.infer<typeof modelChoiceSchema>;
export type DeviceSetting = ModelChoice['device'];

export const defaultModelChoice: ModelChoice = {
  chatModel: 'hearth-demo/tiny-llama-chat',
  embedModel: 'hearth-demo/tiny-embed',
  device: 'auto',
};

const storageOrNone = (): Storage | undefined =>
  typeof localStorage === 'undefined' ? undefined : localStorage;

/** The stored choice; anything unreadable (edited by hand, an older shape) falls back to the defaults. */
export function readModelChoice(storage = storageOrNone()): ModelChoice {
  try {
    const parsed = modelChoiceSchema.safeParse(JSON.parse(storage?.getItem(MODEL_CHOICE_KEY) ?? 'null'));
    return parsed.success ? parsed.data : { ...defaultModelChoice };
  } catch {
    return { ...defaultModelChoice };
  }
}

/** Saves a change to the choice (validated) and returns the whole new choice. */
export function updateModelChoice(change: Partial<ModelChoice>, storage = storageOrNone()): ModelChoice {
  const merged = { ...readModelChoice(storage), ...change };
  if (!merged.mirror) delete merged.mirror; // an emptied field means "each model's own server"
  const next = modelChoiceSchema.parse(merged);
  storage?.setItem(MODEL_CHOICE_KEY, JSON.stringify(next));
  return next;
}
