import { HearthError } from '../core/errors.ts';

/** The codes of the RAG store, each with what the user does about it. */
export const RAG_ERROR_CODES = {
  RAG_NOT_FOUND:
    'No collection, document or job with that id exists (another tab may have deleted it): list them again.',
  RAG_EMPTY_DOCUMENT: 'The document has no text to index: check the file, or add text to it.',
  RAG_DOCUMENT_TOO_LARGE: 'The document is larger than the limit: split it, or raise maxDocumentBytes.',
  RAG_BINARY_CONTENT: 'The file looks binary, not text: convert it to text, Markdown, HTML or PDF first.',
  RAG_INVALID_UTF8: 'The file is not valid UTF-8 text: save it as UTF-8, then add it again.',
  RAG_UNSUPPORTED_TYPE: 'Hearth cannot read this file type: convert it to text, Markdown, HTML or PDF.',
  RAG_QUOTA_EXCEEDED:
    'The browser has no storage left for documents: delete documents or collections you no longer need, then try again.',
  RAG_MODEL_MISMATCH:
    'The collection was embedded with another model: re-embed it (reembed) to search it with this one.',
  RAG_STORE_OUTDATED: 'Another tab upgraded the document store: reload this tab.',
  RAG_UPGRADE_BLOCKED: 'An older Hearth tab holds the document store open: close or reload the other tabs.',
  RAG_BAD_EXPORT:
    'The file is not a Hearth collection export, or it is damaged: export the collection again.',
  RAG_INGEST_INTERRUPTED: 'The ingest was interrupted three times; remove the file or try again.',
  RAG_PDF_NO_TEXT:
    'The PDF has no text layer (it is scanned images): run it through OCR to add one, then add it again.',
  RAG_PDF_ENCRYPTED: 'The PDF is protected by a password: save an unprotected copy, then add that.',
  RAG_PDF_MALFORMED:
    'The PDF is damaged or not a PDF: open it in a PDF reader and save it again, then add it.',
  RAG_PDF_TOO_MANY_PAGES: 'The PDF has more pages than the limit: split it, or raise maxPdfPages.',
} as const;

declare module '../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof RAG_ERROR_CODES, true> {}
}

export function notFound(what: string, id: string): HearthError {
  return new HearthError(
    'RAG_NOT_FOUND',
    `No ${what} with id "${id}" exists; it may have been deleted in another tab.`,
  );
}

/** Maps the browser's storage-full failure onto our code; leaves everything else as it was. */
export function fromStorageError(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new HearthError(
      'RAG_QUOTA_EXCEEDED',
      'The browser has no storage left for documents. Delete documents or collections you no longer need, or free space on this device, then try again.',
      { cause: error },
    );
  }
  return error;
}
