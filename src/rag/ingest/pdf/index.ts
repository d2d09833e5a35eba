export { DEFAULT_MAX_PDF_PAGES, PageMap, pdfBlocks, type PdfBlocksOptions } from './pdf-blocks.ts';
