import { HearthError } from '../../core/errors.ts';
import { parseModelJson, type ModelFiles } from '../../core/model-files.ts';

/**
 * Reads a model file and refuses an HTML page in its place: static hosts and dev servers answer a missing
 * file with their index.html (status 200), which would otherwise surface as a confusing parse error.
 */
export async function readModelFile(
  files: ModelFiles,
  path: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await files.read(path, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HearthError(
      'MODEL_FILE_MISSING',
      `${files.modelId}@${files.revision} has no readable ${path}. Check the model id and mirror URL, or download the model again.`,
      { cause: error },
    );
  }
  if (looksLikeHtml(bytes))
    throw new HearthError(
      'MODEL_FILE_MISSING',
      `${files.modelId}@${files.revision}: the server sent a web page instead of ${path}, so the file is not there. Check the model id and mirror URL.`,
    );
  return bytes;
}

export async function readModelJsonFile(files: ModelFiles, path: string): Promise<unknown> {
  return parseModelJson(files, path, await readModelFile(files, path));
}

function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}
