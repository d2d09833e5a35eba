import { html } from 'lit';
import { send, stopIcon } from '../shell/icons.ts';
import { renderContextMeter } from './context-window.ts';
import type { Conversation } from './conversation.ts';
import './grounding-picker.ts';
import type { Grounding } from './grounding.ts';

export interface ComposerProps {
  conversation: Conversation | undefined;
  /** An answer is being written: the button stops it instead of sending. */
  generating: boolean;
  contextLength: number | undefined;
  onSubmit(event: Event): void;
  onStop(): void;
  onGrounding(grounding: Grounding): void;
}

/** The message box under the conversation, with its grounding picker and context meter. */
export function renderComposer(props: ComposerProps) {
  const { conversation, generating } = props;
  return html`<form @submit=${(e: Event) => props.onSubmit(e)}>
    <div class="composer">
      <label class="sr-only" for="message">Message</label>
      <textarea
        id="message"
        rows="1"
        placeholder="Message the model (Enter sends, Shift+Enter adds a line)"
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            (e.target as HTMLTextAreaElement).form?.requestSubmit();
          }
        }}
      ></textarea>
      ${
        generating
          ? html`<button type="button" class="primary" data-action="stop" @click=${() => props.onStop()}>
              ${stopIcon} Stop
            </button>`
          : html`<button type="submit" class="primary" data-action="send">${send} Send</button>`
      }
    </div>
    <hearth-grounding-picker
      .grounding=${conversation?.grounding}
      @grounding-change=${(e: CustomEvent<Grounding>) => props.onGrounding(e.detail)}
    ></hearth-grounding-picker>
    ${renderContextMeter(conversation, props.contextLength)}
  </form>`;
}
