import { css, html, LitElement, nothing } from 'lit';
import type { ChatView } from './chat/chat-view.ts';
import './shell/help-dialog.ts';
import './shell/install-button.ts';
import type { HelpDialog } from './shell/help-dialog.ts';
import { auto, logo, moon, sun } from './shell/icons.ts';
import { parseRoute, routeHash, viewNames, type Route, type ViewName } from './shell/router.ts';
import { controls } from './shell/shared-styles.ts';
import { isTyping, shortcuts, type ShortcutAction } from './shell/shortcuts.ts';
import { applyTheme, storedTheme, type ThemeChoice } from './shell/theme.ts';

// Each view is its own chunk, fetched when first shown: the shell itself stays small.
const loaders: Record<ViewName, () => Promise<unknown>> = {
  chat: () => import('./chat/chat-view.ts'),
  documents: () => import('./documents/documents-view.ts'),
  models: () => import('./models/models-view.ts'),
  adapters: () => import('./adapters/adapters-view.ts'),
  agents: () => import('./agents/agents-view.ts'),
  device: () => import('./device/device-view.ts'),
};

const labels: Record<ViewName, string> = {
  chat: 'Chat',
  documents: 'Documents',
  models: 'Models',
  adapters: 'Adapters',
  agents: 'Agents',
  device: 'Device',
};

const themeOrder: ThemeChoice[] = ['system', 'light', 'dark'];

/** The app: a header with navigation, theme and help; the views below, routed by the URL hash. */
export class AppShell extends LitElement {
  static override properties = { route: { state: true }, theme: { state: true }, failed: { state: true } };
  declare private route: Route;
  declare private theme: ThemeChoice;
  declare private failed: string;

  constructor() {
    super();
    this.route = parseRoute(location.hash);
    this.theme = storedTheme();
    this.failed = '';
  }

  static override styles = [
    controls,
    css`
      :host {
        display: grid;
        grid-template-rows: auto auto 1fr;
        height: 100dvh;
        background: var(--bg);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 1rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--border);
        background: var(--surface);
        min-width: 0;
      }
      h1 {
        margin: 0;
        font-size: 1.2rem;
        letter-spacing: 0.01em;
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }
      h1 svg {
        color: var(--accent);
      }
      nav {
        display: flex;
        gap: 0.15rem;
        overflow-x: auto;
        order: 3;
        flex: 1 1 100%;
        scrollbar-width: thin;
        /* Scroll shadows: a soft shade at an edge with more links beyond it. The two covers scroll
           with the links (local) and hide the shades (fixed to the box, scroll) at the ends. */
        --nav-shade: color-mix(in srgb, var(--fg) 28%, transparent);
        background:
          linear-gradient(to right, var(--surface) 40%, transparent) left / 2rem 100% no-repeat local,
          linear-gradient(to left, var(--surface) 40%, transparent) right / 2rem 100% no-repeat local,
          radial-gradient(farthest-side at 0 50%, var(--nav-shade), transparent) left / 0.7rem 100% no-repeat
            scroll,
          radial-gradient(farthest-side at 100% 50%, var(--nav-shade), transparent) right / 0.7rem 100%
            no-repeat scroll;
        background-color: var(--surface);
      }
      nav a {
        color: var(--muted);
        text-decoration: none;
        padding: 0.4rem 0.65rem;
        border-radius: 8px;
        white-space: nowrap;
        font-size: 0.95rem;
      }
      nav a:hover {
        color: var(--fg);
        background: var(--hover);
      }
      nav a[aria-current='page'] {
        color: var(--fg);
        background: var(--surface-2);
        font-weight: 600;
      }
      .tools {
        margin-inline-start: auto;
        display: flex;
        gap: 0.4rem;
      }
      main {
        display: grid;
        grid-template-rows: minmax(0, 1fr);
        min-height: 0;
        min-width: 0;
        overflow: auto;
      }
      main > [hidden] {
        display: none;
      }
      .failed {
        padding: 1.5rem 1rem;
      }
      @media (min-width: 56rem) {
        nav {
          order: 0;
          flex: 0 1 auto;
        }
      }
    `,
  ];

  private readonly onHashChange = () => {
    this.route = parseRoute(location.hash);
    void this.load(this.route.view);
  };

  private readonly onKeyDown = (event: KeyboardEvent) => {
    const typing = isTyping(event);
    const shortcut = shortcuts.find((s) => s.matches(event, typing));
    if (shortcut && this.perform(shortcut.action)) event.preventDefault();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.onHashChange);
    addEventListener('keydown', this.onKeyDown);
    void this.load(this.route.view);
    // The chat view holds running answers, so it stays in the page whichever view is shown.
    if (this.route.view !== 'chat') void this.load('chat');
    // Update and out-of-date notices (and the service worker's registration): after the first screen.
    void import('./shell/app-notices.ts').catch(() => undefined);
  }

  override disconnectedCallback(): void {
    removeEventListener('hashchange', this.onHashChange);
    removeEventListener('keydown', this.onKeyDown);
    super.disconnectedCallback();
  }

  private async load(view: ViewName): Promise<void> {
    try {
      await loaders[view]();
    } catch {
      this.failed = `The ${labels[view]} view could not be loaded. Check the connection to this site and reload the page.`;
    }
  }

  private get chat(): ChatView | null {
    return this.renderRoot.querySelector<ChatView>('hearth-chat-view');
  }

  /** Runs a shortcut; false when it does not apply now (the key then keeps its usual meaning). */
  private perform(action: ShortcutAction): boolean {
    const help = this.renderRoot.querySelector<HelpDialog>('hearth-help-dialog');
    if (action === 'help') {
      void help?.show();
      return true;
    }
    if (help?.open) return false;
    const chat = this.chat;
    if (action === 'stop') return chat?.stop() ?? false;
    if (this.route.view !== 'chat') location.hash = routeHash({ view: 'chat' });
    if (action === 'new-chat') void chat?.newChat();
    if (action === 'focus-input') void chat?.focusInput();
    if (action === 'search') void chat?.focusSearch();
    return true;
  }

  private cycleTheme(): void {
    this.theme = themeOrder[(themeOrder.indexOf(this.theme) + 1) % themeOrder.length]!;
    applyTheme(this.theme);
  }

  override render() {
    const { view, id } = this.route;
    const themeLabel = { system: 'System', light: 'Light', dark: 'Dark' }[this.theme];
    return html`
      <header>
        <h1>${logo}Hearth</h1>
        <nav aria-label="Views">
          ${viewNames.map(
            (name) =>
              html`<a href=${routeHash({ view: name })} aria-current=${name === view ? 'page' : nothing}
                >${labels[name]}</a
              >`,
          )}
        </nav>
        <div class="tools">
          <hearth-install-button></hearth-install-button>
          <button
            class="quiet"
            data-action="theme"
            aria-label=${`Theme: ${themeLabel}. Change theme`}
            title="Change theme"
            @click=${this.cycleTheme}
          >
            ${this.theme === 'dark' ? moon : this.theme === 'light' ? sun : auto} ${themeLabel}
          </button>
          <button
            class="quiet"
            data-action="help"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            @click=${() => this.perform('help')}
          >
            ?
          </button>
        </div>
      </header>
      <hearth-app-notices></hearth-app-notices>
      <main>
        ${this.failed ? html`<p class="failed" role="alert">${this.failed}</p>` : nothing}
        <hearth-chat-view
          ?hidden=${view !== 'chat'}
          .conversationId=${view === 'chat' ? id : undefined}
        ></hearth-chat-view>
        ${view === 'documents' ? html`<hearth-documents-view></hearth-documents-view>` : nothing}
        ${view === 'models' ? html`<hearth-models-view></hearth-models-view>` : nothing}
        ${view === 'adapters' ? html`<hearth-adapters-view></hearth-adapters-view>` : nothing}
        ${view === 'agents' ? html`<hearth-agents-view></hearth-agents-view>` : nothing}
        ${view === 'device' ? html`<hearth-device-view></hearth-device-view>` : nothing}
      </main>
      <hearth-help-dialog></hearth-help-dialog>
    `;
  }
}

customElements.define('hearth-app', AppShell);
