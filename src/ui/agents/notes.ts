import { z } from 'zod';
import { defineTool, type AgentTool } from '../../runtime/index.ts';

/**
 * The app's own agent tool: `save_note` keeps a short note on this device. It changes what is
 * stored, so every call asks first; the notes are listed in the Agents view. Kept in localStorage
 * (`hearth:agents:notes`, at most 100, newest first).
 */
const KEY = 'hearth:agents:notes';
const MAX_NOTES = 100;
/** Short enough that the demo model's constrained call closes its string within a few dozen tokens. */
export const MAX_NOTE_CHARS = 80;

const noteSchema = z.object({ text: z.string(), at: z.number(), runId: z.string() });
export type Note = z.infer<typeof noteSchema>;

/** `change` fires when a note is saved or deleted. */
export const noteEvents = new EventTarget();

export function readNotes(): Note[] {
  try {
    const parsed = z.array(noteSchema).safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function writeNotes(notes: Note[]): void {
  localStorage.setItem(KEY, JSON.stringify(notes.slice(0, MAX_NOTES)));
  noteEvents.dispatchEvent(new Event('change'));
}

export function deleteNote(at: number): void {
  writeNotes(readNotes().filter((note) => note.at !== at));
}

export const saveNoteTool: AgentTool = defineTool({
  name: 'save_note',
  description: 'Saves a short note on this device.',
  parameters: z.object({ text: z.string().min(1).max(MAX_NOTE_CHARS) }),
  needsApproval: true,
  execute: ({ text }, { runId }) => {
    const note = { text, at: Date.now(), runId };
    writeNotes([note, ...readNotes()]);
    return { saved: true };
  },
});
