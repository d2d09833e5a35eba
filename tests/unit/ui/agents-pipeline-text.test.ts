import { describe, expect, it } from 'vitest';
import { checkPipeline } from '../../../src/agent/index.ts';
import { presets, presetText } from '../../../src/ui/agents/pipeline-library.ts';
import { addToolToAgent, checkPipelineText, formatPath } from '../../../src/ui/agents/pipeline-text.ts';

const tools = new Set(['calculator', 'current_time', 'search_documents', 'save_note']);
const validate = (json: unknown) => checkPipeline(json, tools);
const note = presetText(presets[0]!);

describe('the pipeline editor’s checks', () => {
  it('accepts every preset', () => {
    for (const preset of presets) expect(checkPipelineText(presetText(preset), validate).ok).toBe(true);
  });

  it('places a JSON mistake at its line and column', () => {
    const text = note.replace('"entry": "scribe",', '"entry": "scribe"');
    const check = checkPipelineText(text, validate);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const [problem] = check.problems;
    expect(problem).toMatchObject({ path: '', code: 'JSON_SYNTAX', line: 6, column: 3 });
    expect(problem!.message).toBe('A comma should come here.');
    expect(text.slice(problem!.offset, problem!.offset + problem!.length)).toBe('"agents"');
  });

  it('refuses what JSON.parse refuses: comments and trailing commas', () => {
    for (const text of [note.replace('{', '{ // hi\n'), note.replace('"maxTurns": 3', '"maxTurns": 3,')]) {
      const check = checkPipelineText(text, validate);
      expect(check.ok).toBe(false);
    }
    expect(checkPipelineText('', validate).ok).toBe(false);
  });

  it('gives each pipeline problem its path and the text it points at', () => {
    const text = note.replace('"save_note"', '"send_email"').replace('"maxTurns": 3', '"maxTurns": 0');
    const check = checkPipelineText(text, validate);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const limits = check.problems.find((p) => p.path === 'limits.maxTurns')!;
    expect(limits.code).toBe('AGENT_PIPELINE_INVALID');
    expect(text.slice(limits.offset, limits.offset + limits.length)).toBe('"maxTurns": 0');
    // Shape first: the tool is checked once the shape is right.
    const fixed = text.replace('"maxTurns": 0', '"maxTurns": 3');
    const second = checkPipelineText(fixed, validate);
    if (second.ok) throw new Error('expected a problem');
    expect(second.problems).toHaveLength(1);
    expect(second.problems[0]).toMatchObject({ path: 'agents[0].tools[0]', code: 'AGENT_TOOL_MISSING' });
    const p = second.problems[0]!;
    expect(fixed.slice(p.offset, p.offset + p.length)).toBe('"send_email"');
    expect(fixed.split('\n')[p.line - 1]!.slice(p.column - 1)).toMatch(/^"send_email"/);
  });

  it('points a problem about a missing key at the object that lacks it', () => {
    const text = '{\n  "version": 1,\n  "name": "x",\n  "agents": [{ "name": "a" }]\n}';
    const check = checkPipelineText(text, validate);
    if (check.ok) throw new Error('expected a problem');
    const entry = check.problems.find((p) => p.path === 'entry')!;
    expect(entry.offset).toBe(0);
    expect(entry.line).toBe(1);
  });

  it('writes paths the way a reader finds them', () => {
    expect(formatPath(['agents', 0, 'tools', 1])).toBe('agents[0].tools[1]');
    expect(formatPath(['limits', 'maxTurns'])).toBe('limits.maxTurns');
    expect(formatPath([])).toBe('');
  });
});

describe('giving a tool to an agent', () => {
  const pipelineOf = (text: string) => {
    const check = checkPipelineText(text, validate);
    if (!check.ok) throw new Error(check.problems[0]!.message);
    return check.pipeline;
  };

  it('appends to its tools and leaves the rest of the text as written', () => {
    const text = note.replace('"Be brief."', '"Be   brief."');
    const next = addToolToAgent(text, pipelineOf(text), 'scribe', 'calculator');
    expect(JSON.parse(next).agents[0].tools).toEqual(['save_note', 'calculator']);
    expect(next).toContain('"Be   brief."');
    expect(next.split('\n').length).toBe(text.split('\n').length + 1);
    expect(addToolToAgent(next, pipelineOf(next), 'scribe', 'calculator')).toBe(next);
  });

  it('adds a tools list to an agent without one, and leaves fan-out steps alone', () => {
    const text = presetText(presets.find((p) => p.id === 'research-team')!);
    const pipeline = pipelineOf(text);
    const next = addToolToAgent(text, pipeline, 'triage', 'calculator');
    expect(JSON.parse(next).agents[0].tools).toEqual(['calculator']);
    expect(checkPipelineText(next, validate).ok).toBe(true);
    expect(addToolToAgent(text, pipeline, 'research', 'calculator')).toBe(text);
    expect(addToolToAgent(text, pipeline, 'nobody', 'calculator')).toBe(text);
  });
});
