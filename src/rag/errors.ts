import { HearthError } from '../core/errors.ts';

/** Stable codes of every failure the RAG store reports; the messages say what to do next. */
export const RagErrorCode = {
  notFound: 'RAG_NOT_FOUND',
  emptyDocument: 'RAG_EMPTY_DOCUMENT',
  tooLarge: 'RAG_DOCUMENT_TOO_LARGE',
  binary: 'RAG_BINARY_CONTENT',
  invalidUtf8: 'RAG_INVALID_UTF8',
  unsupportedType: 'RAG_UNSUPPORTED_TYPE',
  quota: 'RAG_QUOTA_EXCEEDED',
  modelMismatch: 'RAG_MODEL_MISMATCH',
  outdatedTab: 'RAG_STORE_OUTDATED',
  upgradeBlocked: 'RAG_UPGRADE_BLOCKED',
  badExport: 'RAG_BAD_EXPORT',
  pdfNoText: 'RAG_PDF_NO_TEXT',
  pdfEncrypted: 'RAG_PDF_ENCRYPTED',
  pdfMalformed: 'RAG_PDF_MALFORMED',
  pdfTooManyPages: 'RAG_PDF_TOO_MANY_PAGES',
} as const;

export function notFound(what: string, id: string): HearthError {
  return new HearthError(
    RagErrorCode.notFound,
    `No ${what} with id "${id}" exists; it may have been deleted in another tab.`,
  );
}

/** Maps the browser's storage-full failure onto our code; leaves everything else as it was. */
export function fromStorageError(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new HearthError(
      RagErrorCode.quota,
      'The browser has no storage left for documents. Delete documents or collections you no longer need, or free space on this device, then try again.',
      { cause: error },
    );
  }
  return error;
}
