import { describe, expect, it } from 'vitest';
import { StopMatcher } from '../../../src/engines/llm/text/stop-matcher.ts';

function run(stops: string[], pieces: string[]) {
  const matcher = new StopMatcher(stops);
  const out: string[] = [];
  for (const piece of pieces) {
    out.push(matcher.push(piece));
    if (matcher.stopped) break;
  }
  out.push(matcher.finish());
  return { text: out.join(''), out, stopped: matcher.stopped };
}

describe('StopMatcher', () => {
  it('stops inside one piece and drops the stop string and what follows', () => {
    expect(run(['END'], ['hello END world'])).toMatchObject({ text: 'hello ', stopped: true });
  });

  it('finds a stop string split across pieces, holding back only the ambiguous tail', () => {
    const result = run(['\nUser:'], ['Sure.', '\nUs', 'er:', ' more']);
    expect(result.text).toBe('Sure.');
    expect(result.out[0]).toBe('Sure.');
    expect(result.out[1]).toBe(''); // "\nUs" might start the stop string
    expect(result.stopped).toBe(true);
  });

  it('releases held text when it turns out not to be a stop string', () => {
    const result = run(['###'], ['a #', '# b', ' c']);
    expect(result).toMatchObject({ text: 'a ## b c', stopped: false });
    expect(result.out).toEqual(['a ', '## b', ' c', '']);
  });

  it('stops at the earliest of several stop strings', () => {
    expect(run(['bb', 'a'], ['xxbba'])).toMatchObject({ text: 'xx', stopped: true });
  });

  it('flushes a dangling partial match at the end', () => {
    expect(run(['STOP'], ['go ST'])).toMatchObject({ text: 'go ST', stopped: false });
  });

  it('works with single-character pieces and multi-byte characters', () => {
    const text = 'voilà 東京 STOP après';
    expect(run(['STOP'], [...text])).toMatchObject({ text: 'voilà 東京 ', stopped: true });
  });

  it('ignores empty stop strings', () => {
    expect(run([''], ['abc'])).toMatchObject({ text: 'abc', stopped: false });
  });
});
