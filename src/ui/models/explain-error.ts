import { toHearthError } from '../../core/errors.ts';

/** A failure as the Models view shows it: what happened in plain words, what to do, and the code for a report. */
export interface ExplainedError {
  code: string;
  headline: string;
  todo: string;
  /** The error's own message: names the file, the sizes or the adapter involved. */
  detail: string;
}

/**
 * The one place the Models view turns error codes into sentences. The HearthError's message says
 * what happened with which file; these say it without jargon, and what to do next.
 */
const sentences: Record<string, { headline: string; todo: string }> = {
  STORAGE_QUOTA: {
    headline: 'There is not enough storage space for this model.',
    todo: 'Delete models you no longer use below, or free disk space on this device, then download again. "Keep my data" asks the browser not to clear what is stored.',
  },
  MODEL_FILE_CORRUPT: {
    headline:
      'A downloaded file was damaged: its contents did not match the checksum it should have, so it was not kept.',
    todo: 'Download again. If it fails again, the server or mirror is sending a wrong file: check the mirror address, or clear it to use the model’s own server.',
  },
  MODEL_FILE_CHANGED: {
    headline: 'A model file changed on the server since the download started.',
    todo: 'Delete the model and download it again.',
  },
  MODEL_DOWNLOAD_FAILED: {
    headline: 'A model file could not be downloaded.',
    todo: 'Check the connection and the mirror address, then resume: the bytes already stored are kept.',
  },
  WEBGPU_UNAVAILABLE: {
    headline: 'This browser or device offers no usable WebGPU.',
    todo: 'Choose WASM or Auto: both work everywhere. WebGPU needs a current Chrome or Edge with a supported graphics driver.',
  },
  STORAGE_UNAVAILABLE: {
    headline: 'This browser cannot keep files for this site.',
    todo: 'Open the app in a current browser over HTTPS or localhost, outside a private window.',
  },
  WORKER_FAILED: {
    headline: 'The part of the app that stores models stopped.',
    todo: 'Reload the page; downloads resume where they stopped.',
  },
};

export function explainError(error: unknown): ExplainedError {
  const typed = toHearthError(error);
  const known = sentences[typed.code];
  return {
    code: typed.code,
    headline: known?.headline ?? 'Something went wrong with the model store.',
    todo: known?.todo ?? 'Try again; if it keeps failing, reload the page.',
    detail: typed.message,
  };
}
