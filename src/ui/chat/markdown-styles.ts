import { css } from 'lit';

/** How rendered answers look: prose, tables, code blocks with their copy button, highlight.js tokens. */
export const markdownStyles = css`
  .markdown {
    line-height: 1.6;
    overflow-wrap: anywhere;
  }
  .markdown p,
  .markdown ul,
  .markdown ol,
  .markdown blockquote,
  .markdown table,
  .markdown .code-block {
    margin: 0 0 0.75rem;
  }
  /* Finished blocks out of view skip layout and paint: a long conversation costs what is on screen. */
  .md-block:not(.md-tail) {
    content-visibility: auto;
    contain-intrinsic-size: auto 3rem;
  }
  .md-block:last-child > :last-child {
    margin-bottom: 0;
  }
  .markdown h1,
  .markdown h2,
  .markdown h3,
  .markdown h4 {
    margin: 1rem 0 0.5rem;
    line-height: 1.3;
  }
  .markdown h1 {
    font-size: 1.3rem;
  }
  .markdown h2 {
    font-size: 1.15rem;
  }
  .markdown h3,
  .markdown h4 {
    font-size: 1rem;
  }
  .markdown ul,
  .markdown ol {
    padding-inline-start: 1.4rem;
  }
  .markdown li + li {
    margin-top: 0.2rem;
  }
  .markdown a {
    color: var(--link);
  }
  .markdown blockquote {
    border-inline-start: 3px solid var(--border-strong);
    padding-inline-start: 0.75rem;
    color: var(--muted);
  }
  .markdown table {
    display: block;
    overflow-x: auto;
    border-collapse: collapse;
    max-width: 100%;
  }
  .markdown th,
  .markdown td {
    border: 1px solid var(--border);
    padding: 0.3rem 0.6rem;
    text-align: start;
  }
  .markdown th {
    background: var(--surface-2);
  }
  .markdown :not(pre) > code {
    font:
      0.88em ui-monospace,
      SFMono-Regular,
      Menlo,
      monospace;
    background: var(--code-bg);
    border-radius: 4px;
    padding: 0.1rem 0.3rem;
  }
  .code-block {
    border: 1px solid var(--border);
    border-radius: 8px;
    overflow: hidden;
    background: var(--code-bg);
  }
  .code-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 0.2rem 0.3rem 0.2rem 0.75rem;
    border-bottom: 1px solid var(--border);
    font-size: 0.8rem;
    color: var(--muted);
  }
  .code-head button {
    min-height: 1.9rem;
    padding: 0.15rem 0.6rem;
    font-size: 0.8rem;
  }
  .code-block pre {
    margin: 0;
    padding: 0.75rem;
    overflow-x: auto;
    font:
      0.85rem/1.5 ui-monospace,
      SFMono-Regular,
      Menlo,
      monospace;
  }
  .remote-image {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
    padding: 0.35rem 0.5rem;
    border: 1px dashed var(--border-strong);
    border-radius: 8px;
    color: var(--muted);
    font-size: 0.9rem;
  }
  .markdown img {
    max-width: 100%;
  }
  .hljs-keyword,
  .hljs-selector-tag,
  .hljs-literal,
  .hljs-doctag {
    color: var(--hl-keyword);
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-addition,
  .hljs-meta .hljs-string {
    color: var(--hl-string);
  }
  .hljs-number,
  .hljs-attr,
  .hljs-attribute,
  .hljs-variable,
  .hljs-template-variable,
  .hljs-symbol {
    color: var(--hl-number);
  }
  .hljs-comment,
  .hljs-quote,
  .hljs-meta {
    color: var(--hl-comment);
    font-style: italic;
  }
  .hljs-title,
  .hljs-section,
  .hljs-name,
  .hljs-selector-id,
  .hljs-selector-class {
    color: var(--hl-title);
  }
  .hljs-built_in,
  .hljs-type,
  .hljs-params,
  .hljs-property {
    color: var(--hl-type);
  }
  .hljs-deletion {
    color: var(--danger);
  }
`;
