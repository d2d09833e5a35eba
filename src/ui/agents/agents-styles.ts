import { css } from 'lit';

/** The Agents view's layout: one column on a phone; the pipeline beside the run on a wide screen. */
export const agentsStyles = css`
  :host {
    max-width: 90rem;
  }
  .intro {
    margin-bottom: 1rem;
  }
  .columns {
    display: grid;
    gap: 0 1rem;
    grid-template-columns: minmax(0, 1fr);
  }
  @media (min-width: 64rem) {
    .columns {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      align-items: start;
    }
  }
  label.field {
    display: grid;
    gap: 0.25rem;
    font-weight: 600;
    font-size: 0.9rem;
    min-width: 0;
  }
  label.field select,
  label.field textarea {
    width: 100%;
    font-weight: 400;
  }
  .picker {
    display: grid;
    gap: 0.5rem;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: end;
    margin-bottom: 0.5rem;
  }
  .summary {
    font-size: 0.9rem;
    margin-bottom: 0.6rem;
  }
  .tools-list {
    font-size: 0.85rem;
    margin-top: 0.5rem;
    overflow-wrap: anywhere;
  }
  .tools-list code {
    font-size: 0.95em;
  }
  textarea.request {
    min-height: 4.5rem;
    resize: vertical;
  }
  .run-actions {
    margin: 0.5rem 0 0.75rem;
  }
  .problem {
    color: var(--danger);
    overflow-wrap: anywhere;
  }
  ul.runs,
  ul.notes {
    list-style: none;
    margin: 0.25rem 0 0;
    padding: 0;
  }
  ul.runs li,
  ul.notes li {
    border-top: 1px solid var(--border);
    padding: 0.35rem 0;
    min-width: 0;
  }
  ul.runs li:first-child,
  ul.notes li:first-child {
    border-top: none;
  }
  ul.runs button {
    width: 100%;
    text-align: start;
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.5rem;
    background: transparent;
    border-color: transparent;
    overflow-wrap: anywhere;
  }
  ul.runs button[aria-current='true'] {
    border-color: var(--accent);
    background: var(--surface-2);
  }
  .run-state {
    font-size: 0.85rem;
    white-space: nowrap;
  }
  ul.notes li {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  ul.notes span {
    flex: 1 1 auto;
    overflow-wrap: anywhere;
    min-width: 0;
  }
  code {
    overflow-wrap: anywhere;
  }
`;
