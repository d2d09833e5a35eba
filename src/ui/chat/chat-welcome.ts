import { html } from 'lit';

/** What an empty chat shows: where the messages stay, and what the demo model is. */
export function renderWelcome() {
  return html`<div class="welcome">
    <h2>Ask the model on this device</h2>
    <p class="muted">
      Your messages and its answers stay in this browser. The model loads when you send your first message.
    </p>
    <p class="muted">
      The bundled demo model is tiny: it answers fast, but its words do not mean much. Choose a real model
      under Models.
    </p>
  </div>`;
}
