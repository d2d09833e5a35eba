import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RagService } from '../../../src/rag/service.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

let service: RagService | undefined;
afterEach(async () => service?.close());

// Many short paragraphs, so the document makes several chunks of a few tokens each.
const paragraphs = Array.from(
  { length: 40 },
  (_, i) => `Paragraph ${i} talks about topic${i} and nothing else at all.`,
);
const text = `# Notes\n\n${paragraphs.join('\n\n')}\n`;

describe('RagService.passage', () => {
  it('returns the hit chunk between its offsets, with the neighbouring text before and after it', async () => {
    service = new RagService(new HashedEmbedder(), {
      databaseName: `passage-${process.pid}`,
      chunkTokens: 24,
      overlapTokens: 4,
    });
    const { id } = await service.createCollection({ name: 'notes' });
    const { documentId, chunkCount } = await service.ingest({
      collectionId: id,
      content: text,
      title: 'n.md',
    });
    expect(chunkCount).toBeGreaterThan(3);
    const [hit] = await service.search({ query: 'topic20', mode: 'lexical', k: 1 });
    expect(hit?.text).toContain('topic20');
    const passage = await service.passage(documentId, { start: hit!.start, end: hit!.end });
    expect(passage.text).toBe(hit!.text);
    expect([passage.start, passage.end]).toEqual([hit!.start, hit!.end]);
    expect(passage.headingPath).toEqual(hit!.headingPath);
    expect(passage.before.length).toBeGreaterThan(0);
    expect(passage.after.length).toBeGreaterThan(0);
    // Context comes from the chunks around the hit, in document order.
    const topics = (part: string) => [...part.matchAll(/topic(\d+)/g)].map((m) => Number(m[1]));
    const hitTopics = topics(passage.text);
    expect(Math.max(...topics(passage.before))).toBeLessThan(Math.min(...hitTopics));
    expect(Math.min(...topics(passage.after))).toBeGreaterThan(Math.max(...hitTopics));
    expect(passage.page).toBeUndefined();
  });

  it('refuses offsets that are not a range, and a document that does not exist', async () => {
    service = new RagService(new HashedEmbedder(), { databaseName: `passage-${process.pid}-2` });
    await expect(service.passage('x', { start: 5, end: 5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.passage('missing', { start: 0, end: 5 })).rejects.toMatchObject({
      code: 'RAG_NOT_FOUND',
    });
  });
});
