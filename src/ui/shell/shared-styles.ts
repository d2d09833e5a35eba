import { css } from 'lit';

/** Buttons, fields and focus rings shared by every view; colours come from the theme's custom properties. */
export const controls = css`
  :host {
    color: var(--fg);
  }
  button,
  .button {
    font: inherit;
    font-size: 0.9rem;
    color: var(--fg);
    background: var(--surface-2);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 0.4rem 0.75rem;
    cursor: pointer;
    min-height: 2.25rem;
  }
  button:hover {
    background: var(--hover);
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-fg);
    font-weight: 600;
  }
  button.danger {
    color: var(--danger);
  }
  button.quiet {
    background: transparent;
    border-color: transparent;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: var(--fg);
    background: var(--surface);
    border: 1px solid var(--border-strong);
    border-radius: 8px;
    padding: 0.45rem 0.6rem;
    box-sizing: border-box;
    max-width: 100%;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .muted {
    color: var(--muted);
  }
`;

/**
 * The modal dialogs' frame (help, chat settings, cited passage, erase, training consent): one look, one backdrop. A dialog
 * sets `--dialog-width` for its own width; it never grows wider than the window less a margin.
 */
export const dialogStyles = css`
  dialog {
    color: var(--fg);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 12px;
    padding: 1.25rem;
    width: min(var(--dialog-width, 32rem), calc(100vw - 2rem));
    max-height: calc(100dvh - 2rem);
    box-sizing: border-box;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  dialog h2 {
    margin: 0 0 0.75rem;
    font-size: 1.15rem;
  }
  dialog .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
  }
`;

/** The frame of a view page: its padding, headings and paragraphs, the cards (sections) it is made of, and rows of controls. */
export const viewPage = css`
  :host {
    display: block;
    padding: 1rem;
    box-sizing: border-box;
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.35rem;
  }
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1.05rem;
  }
  p {
    margin: 0;
    line-height: 1.5;
  }
  .intro {
    margin-bottom: 1rem;
  }
  section {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 12px;
    padding: 0.9rem;
    margin-bottom: 1rem;
    min-width: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .row h3 {
    margin: 0;
    flex: 1 1 auto;
  }
`;

/** A component laid out inside a view: a block that may shrink below its content's width. */
export const blockHost = css`
  :host {
    display: block;
    min-width: 0;
  }
`;
