/** The codes of model download and storage, each with what the user does about it. */
export const MODEL_ERROR_CODES = {
  MODEL_UNKNOWN:
    'No model with that id is in the catalog: pick one the message lists, or give a base URL and model id.',
  DTYPE_UNAVAILABLE:
    'The model has no variant of that precision: pick one of the variants the message lists.',
  MODEL_DOWNLOAD_FAILED:
    'A model file could not be downloaded: check the connection and the model URL, then try again; the download resumes.',
  MODEL_FILE_CHANGED:
    'A model file changed on the server during or since the download: download the model again.',
  MODEL_FILE_CORRUPT: 'A downloaded file does not match its hash: delete the model and download it again.',
  STORAGE_QUOTA:
    'The browser has no room left for this model: delete models or data you no longer need, then try again.',
  STORAGE_UNAVAILABLE:
    'This browser can keep no files (no OPFS, no Cache API): use a current browser over HTTPS or localhost.',
} as const;

declare module '../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof MODEL_ERROR_CODES, true> {}
}
