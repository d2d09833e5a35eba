import { css } from 'lit';

/** The Models view: the choices and storage on top, then one card per catalog model. */
export const modelsStyles = css`
  :host {
    max-width: 60rem;
  }
  .choices {
    display: grid;
    gap: 0.75rem;
  }
  @media (min-width: 48rem) {
    .choices {
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  select,
  input[type='url'] {
    width: 100%;
  }
  fieldset {
    border: 1px solid var(--border);
    border-radius: 8px;
    margin: 0;
    padding: 0.5rem 0.75rem 0.75rem;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }
  .radios {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
  }
  .radios label {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    font-weight: 400;
    min-height: 2.25rem;
  }
  .row > input {
    flex: 1 1 14rem;
    width: auto;
  }
  .alert {
    border: 1px solid var(--border);
    border-inline-start: 4px solid var(--danger);
    border-radius: 8px;
    padding: 0.6rem 0.8rem;
    margin-top: 0.6rem;
  }
  .alert strong {
    display: block;
  }
  .alert code {
    overflow-wrap: anywhere;
  }
  ul.models {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.75rem;
  }
  ul.models > li {
    border: 1px solid var(--border);
    border-radius: 10px;
    padding: 0.75rem;
    min-width: 0;
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: baseline;
    justify-content: space-between;
  }
  .title h4 {
    margin: 0;
    font-size: 1rem;
    overflow-wrap: anywhere;
  }
  .badge {
    font-size: 0.8rem;
    border: 1px solid var(--border-strong);
    border-radius: 999px;
    padding: 0.05rem 0.5rem;
  }
  .facts {
    margin: 0.25rem 0 0.5rem;
    font-size: 0.9rem;
  }
  .actions {
    margin-top: 0.5rem;
  }
  progress {
    width: 100%;
    height: 0.75rem;
    accent-color: var(--accent);
  }
  .progress-label {
    display: flex;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: 0 0.5rem;
    font-size: 0.85rem;
  }
  details {
    margin-top: 0.4rem;
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
    min-height: 1.75rem;
  }
  ul.files {
    list-style: none;
    margin: 0.25rem 0 0;
    padding: 0;
    display: grid;
    gap: 0.35rem;
  }
  ul.files span {
    overflow-wrap: anywhere;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.2rem 0.75rem;
    margin: 0 0 0.6rem;
  }
  dt {
    color: var(--muted);
  }
  dd {
    margin: 0;
  }
`;
