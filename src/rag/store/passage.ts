import { notFound } from '../errors.ts';
import type { ChunkRecord, DocumentRecord } from '../types.ts';
import { revisionRange } from './documents.ts';
import type { RagDatabase } from './schema.ts';

export interface Passage {
  document: DocumentRecord;
  /** The text of the chunks inside [start, end] (a search hit's offsets), joined. */
  text: string;
  /** What comes just before and after it in the document: the neighbouring chunks, without their overlap. */
  before: string;
  after: string;
  start: number;
  end: number;
  headingPath: string[];
  page?: number;
  pageEnd?: number;
}

/**
 * A passage of a stored document, for a viewer that shows a citation in its place. The store keeps
 * chunks, not the whole text, so the passage is rebuilt from the committed chunks: those within the
 * offsets (or, when none lies wholly inside, those overlapping them), and one chunk of context each side.
 */
export async function readPassage(
  db: RagDatabase,
  documentId: string,
  range: { start: number; end: number },
): Promise<Passage> {
  const document = await db.get('documents', documentId);
  if (!document || document.status !== 'ready') throw notFound('document', documentId);
  const chunks = await db.getAll('chunks', revisionRange(documentId, document.revision));
  const inside = chunks.filter((c) => c.start >= range.start && c.end <= range.end);
  const hit = inside.length > 0 ? inside : chunks.filter((c) => c.start < range.end && c.end > range.start);
  if (hit.length === 0) throw notFound('passage', `${documentId}@${range.start}-${range.end}`);
  const first = hit[0]!;
  const last = hit.at(-1)!;
  const previous = chunks.find((c) => c.seq === first.seq - 1);
  const next = chunks.find((c) => c.seq === last.seq + 1);
  return {
    document,
    text: join(hit),
    before: previous ? previous.text.slice(0, Math.max(0, first.start - previous.start)) : '',
    after: next ? next.text.slice(Math.max(0, last.end - next.start)) : '',
    start: first.start,
    end: last.end,
    headingPath: first.headingPath,
    ...(first.page === undefined ? {} : { page: first.page, pageEnd: last.pageEnd ?? first.page }),
  };
}

/** Consecutive chunks overlap (the chunker repeats a tail); each is cut where the previous one ended. */
function join(chunks: ChunkRecord[]): string {
  let text = chunks[0]!.text;
  for (let i = 1; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    text += chunk.text.slice(Math.max(0, chunks[i - 1]!.end - chunk.start));
  }
  return text;
}
