import { readText, type ByteStore } from './byte-store.ts';
import { fileMetaSchema, metaKey, type FileMeta } from './layout.ts';

/** The stored state of one file of a model; unreadable or malformed state counts as none. */
export async function readFileMeta(
  store: ByteStore,
  file: { repo: string; revision: string; path: string },
): Promise<FileMeta | undefined> {
  const text = await readText(store, metaKey(file.repo, file.revision, file.path));
  if (text === undefined) return undefined;
  const parsed = fileMetaSchema.safeParse(safeJson(text));
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
