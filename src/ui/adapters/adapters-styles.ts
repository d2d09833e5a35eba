import { css } from 'lit';

/** The Adapters view: settings, the adapter table (cards on a phone) and the training jobs. */
export const adaptersStyles = css`
  :host {
    max-width: 64rem;
  }
  p {
    margin: 0.25rem 0;
    line-height: 1.5;
  }
  section {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 12px;
    padding: 0.9rem;
    margin-top: 1rem;
    min-width: 0;
  }
  form.settings {
    display: grid;
    gap: 0.5rem;
    grid-template-columns: minmax(0, 1fr);
  }
  @media (min-width: 44rem) {
    form.settings {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
      align-items: end;
    }
  }
  label {
    display: grid;
    gap: 0.2rem;
    font-weight: 600;
    font-size: 0.9rem;
    min-width: 0;
  }
  label input,
  label select {
    width: 100%;
    font-weight: 400;
  }
  .problem {
    color: var(--danger);
    overflow-wrap: anywhere;
  }
  .problem strong {
    display: block;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9rem;
    margin-top: 0.5rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--border);
    overflow-wrap: anywhere;
  }
  @media (max-width: 40rem) {
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    tr {
      display: block;
      border-bottom: 1px solid var(--border);
      padding: 0.35rem 0;
    }
    td {
      border: 0;
      padding: 0.15rem 0.25rem;
      display: flex;
      gap: 0.5rem;
    }
    td::before {
      content: attr(data-label);
      color: var(--muted);
      flex: 0 0 6.5rem;
    }
  }
  .status-in-use {
    font-weight: 600;
  }
  ul.jobs {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    display: grid;
    gap: 0.6rem;
  }
  ul.jobs li {
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 0.6rem;
    min-width: 0;
  }
  progress {
    width: 100%;
    height: 0.6rem;
  }
  code {
    overflow-wrap: anywhere;
  }
`;
