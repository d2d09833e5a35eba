import { HearthError } from './errors.ts';

/**
 * How an engine reads the files of one model revision, wherever they live (OPFS, Cache API, a
 * local folder in Node tests, plain HTTP). The asset store in src/models provides the browser one.
 * `path` is a file path inside the repository, in Hugging Face hub layout (e.g. "onnx/model.onnx").
 */
export interface ModelFiles {
  readonly modelId: string;
  readonly revision: string;
  read(path: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  has(path: string): Promise<boolean>;
}

/** Reads a JSON file of a model and names the file when it is malformed. */
export async function readModelJson<T = unknown>(files: ModelFiles, path: string): Promise<T> {
  let bytes: Uint8Array;
  try {
    bytes = await files.read(path);
  } catch (error) {
    throw new HearthError(
      'MODEL_FILE_MISSING',
      `${files.modelId}@${files.revision} has no readable ${path}. Download the model again.`,
      { cause: error },
    );
  }
  return parseModelJson<T>(files, path, bytes);
}

/** Parses the bytes of a model's JSON file (strict UTF-8) and names the file when they are malformed. */
export function parseModelJson<T = unknown>(files: ModelFiles, path: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } catch (error) {
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `${path} of ${files.modelId}@${files.revision} is not valid JSON. Delete the model and download it again.`,
      { cause: error },
    );
  }
}
