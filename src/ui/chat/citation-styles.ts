import { css } from 'lit';

/** Citation links inside an answer and the list of sources under it. */
export const citationStyles = css`
  .markdown a.citation {
    font-size: 0.85em;
    font-weight: 600;
    text-decoration: none;
    padding-inline: 0.1em;
  }
  .markdown a.citation:hover,
  .markdown a.citation:focus-visible {
    text-decoration: underline;
  }
  .sources {
    margin-top: 0.6rem;
    padding-top: 0.4rem;
    border-top: 1px solid var(--border);
    font-size: 0.85rem;
  }
  .sources h3 {
    font-size: 0.8rem;
    margin: 0 0 0.25rem;
    color: var(--muted);
  }
  .sources ol {
    margin: 0;
    padding-inline-start: 1.5rem;
  }
  .sources li {
    margin: 0.2rem 0;
    overflow-wrap: anywhere;
  }
  .sources a {
    color: var(--link);
  }
  .sources q {
    display: block;
    color: var(--muted);
  }
  .sources-none {
    font-size: 0.85rem;
    margin: 0.5rem 0 0;
  }
`;
