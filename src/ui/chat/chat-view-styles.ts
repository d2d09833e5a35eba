import { css } from 'lit';

/** The Chat view's layout: the list beside the thread from 48rem, a drawer below; the message box pinned at the bottom. */
export const chatViewStyles = css`
  :host {
    display: grid;
    grid-template-columns: 1fr;
    grid-template-rows: minmax(0, 1fr);
    height: 100%;
    min-height: 0;
  }
  /* Its dialog opens in the top layer: the element itself takes no place in the grid. */
  hearth-chat-settings {
    position: absolute;
  }
  aside {
    display: none;
    padding: 0.75rem;
    border-inline-end: 1px solid var(--border);
    background: var(--surface);
    min-height: 0;
  }
  aside.open {
    display: flex;
    flex-direction: column;
    position: absolute;
    z-index: 2;
    inset: 0 auto 0 0;
    width: min(20rem, 88vw);
    box-sizing: border-box;
    box-shadow: 0 6px 28px rgb(0 0 0 / 0.25);
  }
  hearth-conversation-list {
    flex: 1;
  }
  .thread {
    display: grid;
    grid-template-rows: auto 1fr auto;
    min-height: 0;
    min-width: 0;
    position: relative;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--border);
    min-width: 0;
  }
  .bar h2 {
    flex: 1;
    margin: 0;
    font-size: 1.05rem;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  details.menu {
    position: relative;
  }
  [data-action='settings'] {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
  }
  .wide-only {
    display: none;
  }
  details.menu summary {
    list-style: none;
    cursor: pointer;
    font-size: 0.9rem;
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 0.45rem 0.75rem;
    background: var(--surface-2);
    white-space: nowrap;
  }
  details.menu summary::-webkit-details-marker {
    display: none;
  }
  details.menu .items {
    position: absolute;
    inset-inline-end: 0;
    top: calc(100% + 0.3rem);
    z-index: 3;
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    min-width: 12rem;
    padding: 0.35rem;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 10px;
    box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
  }
  details.menu .items button {
    text-align: start;
    background: transparent;
    border-color: transparent;
  }
  .scroller {
    overflow-y: auto;
    min-height: 0;
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
    padding: 1rem 0.75rem;
    max-width: 48rem;
    margin-inline: auto;
    box-sizing: border-box;
  }
  .welcome {
    max-width: 36rem;
    margin: 2.5rem auto 0;
    padding: 0 1rem;
    text-align: center;
  }
  .welcome h2 {
    font-size: 1.4rem;
    margin: 0 0 0.5rem;
  }
  .welcome p {
    line-height: 1.55;
    margin: 0 0 0.5rem;
  }
  .notice {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    justify-content: space-between;
    margin: 0.5rem 0.75rem 0;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--danger);
    border-radius: 8px;
    color: var(--danger);
  }
  form {
    padding: 0.5rem 0.75rem 0.75rem;
    max-width: 48rem;
    width: 100%;
    margin-inline: auto;
    box-sizing: border-box;
  }
  .composer {
    display: flex;
    align-items: flex-end;
    gap: 0.5rem;
    border: 1px solid var(--border-strong);
    border-radius: 14px;
    padding: 0.4rem;
    background: var(--surface);
  }
  .composer:focus-within {
    border-color: var(--focus);
  }
  .composer textarea {
    flex: 1;
    min-width: 0;
    border: none;
    background: transparent;
    resize: none;
    field-sizing: content;
    min-height: 2.4rem;
    max-height: 12rem;
    line-height: 1.45;
  }
  .composer textarea:focus-visible {
    outline: none;
  }
  .composer button {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  .meter {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.6rem;
    font-size: 0.78rem;
    margin-top: 0.35rem;
  }
  meter {
    width: 7rem;
    height: 0.6rem;
  }
  .warn {
    color: var(--warn);
  }
  @media (min-width: 48rem) {
    :host {
      grid-template-columns: 17rem 1fr;
    }
    aside,
    aside.open {
      display: flex;
      flex-direction: column;
      position: static;
      width: auto;
      box-shadow: none;
    }
    .list-toggle {
      display: none;
    }
    .wide-only {
      display: inline;
    }
  }
`;
