import { css, unsafeCSS, type CSSResult } from 'lit';

/*
 * How <hearth-chat> keeps its look on any page. Styles of the page never reach inside the shadow
 * root, but three things still cross it: inherited properties (font, colour, line height, letter
 * spacing, text transform…), custom properties, and `rem`, which is the host page's root font size
 * (`html { font-size: 62.5% }` is common). So the frame inside the shadow root starts from
 * `all: initial`, sets every token the styles read from its own `--hearth-*` properties (the public
 * theming API) or their defaults, and the styles shared with the app have their `rem` rewritten to
 * the frame's own font size.
 */

/** Registered so that `1em` set on the frame is inherited as a length, not re-read as em below it. */
export function registerRemProperty(): void {
  try {
    CSS.registerProperty({ name: '--hearth-rem', syntax: '<length>', inherits: true, initialValue: '16px' });
  } catch {
    // Already registered (a second copy of the element on the page), or an older browser: without
    // registration `1em` is read where it is used, which differs only where text is smaller.
  }
}

/** The app's shared styles with `rem` measured from the component's font size instead of the page's. */
export function portable(sheet: CSSResult): CSSResult {
  return unsafeCSS(sheet.cssText.replace(/(\d*\.?\d+)rem\b/g, 'calc($1 * var(--hearth-rem))'));
}

/** The public theming properties and their defaults: the app's light palette (dark with `--hearth-color-scheme: dark`). */
export const frameStyles = css`
  :host {
    display: block;
    block-size: 480px;
    inline-size: auto;
  }
  :host([hidden]) {
    display: none;
  }
  .frame {
    all: initial;
    /* Here, not on :host, where a reset of the page (all: unset) would undo it. */
    contain: content;
    visibility: inherit;
    pointer-events: inherit;
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    block-size: 100%;
    inline-size: 100%;
    overflow: hidden;
    color-scheme: var(--hearth-color-scheme, light);
    font-family: var(--hearth-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--hearth-font-size, medium);
    line-height: 1.5;
    --hearth-rem: 1em;

    --bg: var(--hearth-background, light-dark(#f6f7f9, #121417));
    --surface: var(--hearth-surface, light-dark(#ffffff, #1a1d21));
    --surface-2: var(--hearth-surface-2, light-dark(#eef0f3, #262a30));
    --hover: var(--hearth-hover, light-dark(#e3e6eb, #2e333a));
    --bubble: var(--hearth-bubble, light-dark(#e8eefb, #22304a));
    --fg: var(--hearth-text, light-dark(#1b1d21, #e7e9ec));
    --muted: var(--hearth-muted, light-dark(#545b66, #a6adb8));
    --border: var(--hearth-border, light-dark(#dde1e6, #30353c));
    --border-strong: var(--hearth-border-strong, light-dark(#b9c0ca, #4a515b));
    --accent: var(--hearth-accent, light-dark(#2656b8, #7eb0ff));
    --accent-fg: var(--hearth-accent-text, light-dark(#ffffff, #0b1a33));
    --focus: var(--hearth-focus, var(--accent));
    --link: var(--hearth-link, light-dark(#1f4fae, #8fbcff));
    --danger: var(--hearth-danger, light-dark(#b0262d, #ff8a8a));
    --warn: light-dark(#8a5000, #f2c46d);
    --code-bg: var(--hearth-code-background, light-dark(#f3f4f6, #15181c));
    --hl-keyword: light-dark(#8e1f9e, #d9a6ff);
    --hl-string: light-dark(#1b6b2d, #9bd68a);
    --hl-number: light-dark(#8a4700, #f2b77a);
    --hl-comment: light-dark(#5b6270, #9aa3ae);
    --hl-title: light-dark(#1f4fae, #8fc0ff);
    --hl-type: light-dark(#0b6873, #72d4df);

    color: var(--fg);
    background: var(--bg);
    border: 1px solid var(--border);
    border-radius: var(--hearth-radius, 12px);
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    padding: 0.75em;
    display: flex;
    flex-direction: column;
    gap: 0.75em;
  }
  .empty {
    margin: auto;
    color: var(--muted);
    text-align: center;
  }
  .message {
    padding: 0.6em 0.8em;
    border-radius: 10px;
    max-inline-size: 100%;
    box-sizing: border-box;
  }
  .message.user {
    background: var(--bubble);
    align-self: flex-end;
    max-inline-size: 85%;
  }
  .message.user .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .message.assistant {
    background: var(--surface);
    border: 1px solid var(--border);
  }
  .who {
    font-size: 0.8em;
    font-weight: 600;
    color: var(--muted);
    margin-block-end: 0.2em;
  }
  .state {
    display: flex;
    align-items: center;
    gap: 0.5em;
    margin-block-start: 0.3em;
    font-size: 0.9em;
    color: var(--muted);
  }
  .state progress {
    inline-size: min(12em, 50%);
    accent-color: var(--accent);
  }
  .error {
    color: var(--danger);
    margin: 0.3em 0 0;
  }
  .sources {
    margin: 0.5em 0 0;
    padding-inline-start: 1.2em;
    font-size: 0.85em;
    color: var(--muted);
  }
  .sources strong {
    color: var(--fg);
  }
  form {
    display: flex;
    gap: 0.5em;
    align-items: flex-end;
    padding: 0.6em;
    margin: 0;
    border-block-start: 1px solid var(--border);
    background: var(--surface);
  }
  textarea {
    flex: 1;
    resize: none;
    min-block-size: 2.5em;
    max-block-size: 8em;
    line-height: 1.4;
  }
  form button {
    min-block-size: 2.5em;
  }
`;
