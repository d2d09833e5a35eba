import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { HearthError, throwIfAborted } from '../../../core/errors.ts';
import { loadPdfjs } from './load-pdfjs.ts';

/** Errors pdfjs raises for a file it cannot read as a PDF (by name: they cross its worker boundary). */
const UNREADABLE = new Set([
  'InvalidPDFException',
  'MissingPDFException',
  'FormatError',
  'UnknownErrorException',
]);

/** Opens a PDF for text extraction; refuses encrypted and unreadable files with their own codes. */
export async function openPdf(content: Blob, signal?: AbortSignal): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfjs();
  const data = new Uint8Array(await content.arrayBuffer());
  throwIfAborted(signal);
  const task = pdfjs.getDocument({
    data,
    // Text only: no fonts are turned into CSS fonts, no code is generated, nothing is fetched.
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  const onAbort = () => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await task.promise;
  } catch (error) {
    throwIfAborted(signal);
    throw toPdfError(error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** pdfjs's failures in our terms; anything that is not about the file itself stays as it was. */
export function toPdfError(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'PasswordException') {
    return new HearthError(
      'RAG_PDF_ENCRYPTED',
      'This PDF is protected by a password, so its text cannot be read. Open it in a PDF viewer with the password, save or print it as a PDF without protection, and add that file.',
      { cause: error },
    );
  }
  if (UNREADABLE.has(name)) {
    return new HearthError(
      'RAG_PDF_MALFORMED',
      'This file is damaged or not really a PDF, so its text cannot be read. Download or export it again; if a PDF viewer can open it, print it to a new PDF and add that one.',
      { cause: error },
    );
  }
  return error;
}
