import { z } from 'zod';
import type { PipelineInput } from '../../runtime/index.ts';
import { MAX_NOTE_CHARS } from './notes.ts';

/**
 * The pipelines the Agents view offers, and the person's edits of each, kept in localStorage
 * (`hearth:agents:pipelines`) as the text they typed (even when it does not parse yet), so an
 * edit survives a reload.
 */
export interface PipelinePreset {
  id: string;
  label: string;
  /** One line on what it shows and what it needs. */
  summary: string;
  pipeline: PipelineInput;
  /** A question to start with. */
  input: string;
}

export const presets: PipelinePreset[] = [
  {
    id: 'note-taker',
    label: 'Note taker',
    summary: 'One agent that saves a note after you approve it. Small enough for the demo model.',
    input: 'Remember to water the plants.',
    pipeline: {
      version: 1,
      name: 'Note taker',
      preamble: 'Be brief.',
      entry: 'scribe',
      agents: [
        {
          name: 'scribe',
          instructions: 'Save the request as a note, then say it is saved.',
          tools: ['save_note'],
          // The note's length bounds the call: 80 characters are at most ~80 tokens, plus the JSON around them.
          model: { temperature: 0, max_tokens: MAX_NOTE_CHARS + 48, toolChoice: 'required' },
        },
      ],
      limits: { maxTurns: 3 },
    },
  },
  {
    id: 'supervisor',
    label: 'Supervisor',
    summary: 'A lead agent that asks two specialists (agents called as tools). Best with a larger model.',
    input: 'What is 17 × 23, and what time is it?',
    pipeline: {
      version: 1,
      name: 'Supervisor',
      entry: 'lead',
      agents: [
        {
          name: 'lead',
          instructions: 'Answer the question. Ask a specialist when one knows better.',
          agentTools: ['math', 'clock'],
        },
        {
          name: 'math',
          description: 'Computes arithmetic exactly.',
          instructions: 'Compute with the calculator and give the number.',
          tools: ['calculator'],
        },
        {
          name: 'clock',
          description: 'Knows the date and time.',
          instructions: 'Read the time and say it.',
          tools: ['current_time'],
        },
      ],
    },
  },
  {
    id: 'research-team',
    label: 'Research team',
    summary:
      'Triage hands over to a calculator agent or to a fan-out whose answers a writer merges. Best with a larger model.',
    input: 'What do my documents say about backups?',
    pipeline: {
      version: 1,
      name: 'Research team',
      entry: 'triage',
      agents: [
        {
          name: 'triage',
          instructions: 'Hand arithmetic to math and everything else to research.',
          handoffs: ['math', 'research'],
        },
        {
          name: 'math',
          instructions: 'Compute with the calculator.',
          tools: ['calculator'],
          handoffs: ['triage'],
        },
        { kind: 'fan_out', name: 'research', branches: ['library', 'clock'], merge: 'writer' },
        {
          name: 'library',
          instructions: 'Search the documents and quote what fits.',
          tools: ['search_documents'],
        },
        { name: 'clock', instructions: 'Say today’s date.', tools: ['current_time'] },
        {
          name: 'writer',
          instructions: 'Write the answer from the findings; ask the critic to check it.',
          agentTools: ['critic'],
        },
        { name: 'critic', description: 'Checks a draft for mistakes.', instructions: 'Point out mistakes.' },
      ],
    },
  },
];

export const presetText = (preset: PipelinePreset) => JSON.stringify(preset.pipeline, null, 2);

const KEY = 'hearth:agents:pipelines';
const savedSchema = z.object({
  selected: z.string(),
  drafts: z.record(z.string(), z.string().max(200_000)),
});
export type SavedPipelines = z.infer<typeof savedSchema>;

export function readSaved(): SavedPipelines {
  try {
    const parsed = savedSchema.safeParse(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
    if (parsed.success && presets.some((p) => p.id === parsed.data.selected)) return parsed.data;
  } catch {
    // unreadable: start again from the presets
  }
  return { selected: presets[0]!.id, drafts: {} };
}

export function writeSaved(saved: SavedPipelines): void {
  localStorage.setItem(KEY, JSON.stringify(saved));
}

/** The text to edit for a preset: the person's draft, else the preset itself. */
export function textFor(saved: SavedPipelines, id: string): string {
  const preset = presets.find((p) => p.id === id) ?? presets[0]!;
  return saved.drafts[preset.id] ?? presetText(preset);
}
