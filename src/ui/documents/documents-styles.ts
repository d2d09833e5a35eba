import { css } from 'lit';

/** The Documents view's layout: one column on a phone, the search beside the files on a wide screen. */
export const documentsStyles = css`
  :host {
    max-width: 72rem;
  }
  .notice {
    border: 1px solid var(--border);
    border-inline-start: 4px solid var(--warn);
    background: var(--surface);
    border-radius: 8px;
    padding: 0.6rem 0.8rem;
    margin-bottom: 1rem;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .notice p {
    flex: 1 1 16rem;
  }
  .error {
    color: var(--danger);
  }
  .columns {
    display: grid;
    gap: 0 1rem;
  }
  @media (min-width: 56rem) {
    .columns {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      align-items: start;
    }
  }
  .row input,
  .row select {
    flex: 1 1 10rem;
    min-width: 0;
  }
  label {
    font-size: 0.9rem;
    font-weight: 600;
  }
  .field {
    display: grid;
    gap: 0.3rem;
    margin-bottom: 0.6rem;
  }
  .drop {
    display: block;
    width: 100%;
    margin: 0.75rem 0;
    padding: 1.25rem 1rem;
    border: 2px dashed var(--border-strong);
    background: var(--bg);
    text-align: center;
    line-height: 1.5;
  }
  .drop[data-over] {
    border-color: var(--accent);
    background: var(--hover);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    border-top: 1px solid var(--border);
    padding: 0.55rem 0;
    min-width: 0;
  }
  li:first-child {
    border-top: none;
  }
  .name {
    font-weight: 600;
    overflow-wrap: anywhere;
    flex: 1 1 10rem;
    min-width: 0;
  }
  .meta {
    font-size: 0.85rem;
  }
  progress {
    width: 100%;
    height: 0.6rem;
    margin-top: 0.35rem;
    accent-color: var(--accent);
  }
  .result a {
    color: var(--link);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .result p {
    margin-top: 0.2rem;
    overflow-wrap: anywhere;
  }
  .result mark {
    background: transparent;
    color: inherit;
    font-weight: 700;
    text-decoration: underline;
  }
  .confirm {
    margin-top: 0.5rem;
  }
`;
