import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { toHearthError } from '../../core/errors.ts';
import { controls } from '../shell/shared-styles.ts';
import { answerRequest, streamAnswer } from './answer-stream.ts';
import { renderChatBar } from './chat-bar.ts';
import { renderComposer } from './chat-composer.ts';
import './chat-message.ts';
import { renderWelcome } from './chat-welcome.ts';
import { chatViewStyles } from './chat-view-styles.ts';
import type { AnswerPhase, ChatMessageElement } from './chat-message.ts';
import './chat-settings.ts';
import type { ChatSettings, SettingsChange } from './chat-settings.ts';
import { newConversation, newId, titleFrom, type Conversation, type StoredMessage } from './conversation.ts';
import './conversation-list.ts';
import type { ConversationList } from './conversation-list.ts';
import { ConversationStore } from './conversation-store.ts';
import { contextWindowStyles, droppedCount, renderDroppedNote, sentMessages } from './context-window.ts';
import { downloadConversation } from './conversation-download.ts';
import { createEngineLink, type ChatEngineLink, type EngineCapabilities } from './engine-link.ts';
import { parseConversationFile } from './exchange.ts';
import type { Grounding } from './grounding.ts';
import { loadRenderer } from './markdown/streaming-markdown.ts';

interface ActiveAnswer {
  conversationId: string;
  answerId: string;
  controller: AbortController;
}

/**
 * The Chat view: the conversation list, the messages of the open conversation and the message box.
 * Answers stream from `engine` (a ChatEngineLink; set the property to drive the view from another
 * source of chunks); conversations are kept in IndexedDB after every change.
 */
export class ChatView extends LitElement {
  static override properties = {
    conversationId: { attribute: false },
    engine: { attribute: false },
    conversations: { state: true },
    current: { state: true },
    active: { state: true },
    phase: { state: true },
    capabilities: { state: true },
    notice: { state: true },
    announcement: { state: true },
    listOpen: { state: true },
  };
  declare conversationId: string | undefined;
  /** Where answers come from: the demo model through the runtime unless replaced (even before upgrade). */
  declare engine: ChatEngineLink;
  declare private conversations: Conversation[];
  declare private current: Conversation | undefined;
  declare private active: ActiveAnswer | null;
  declare private phase: AnswerPhase | null;
  declare private capabilities: EngineCapabilities | undefined;
  declare private notice: string;
  declare private announcement: string;
  declare private listOpen: boolean;
  private readonly store = new ConversationStore();
  /** Chats deleted in this page: a save still on its way for one of them is dropped. */
  private readonly deleted = new Set<string>();
  private listReads = 0;
  private stickToBottom = true;
  private readonly resizeObserver = new ResizeObserver(() => {
    const scroller = this.scroller;
    if (scroller && this.stickToBottom) scroller.scrollTop = scroller.scrollHeight;
  });

  constructor() {
    super();
    this.engine = createEngineLink();
    this.conversations = [];
    this.active = null;
    this.phase = null;
    this.notice = '';
    this.announcement = '';
    this.listOpen = false;
  }

  static override styles = [controls, chatViewStyles, contextWindowStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshList().then(() => this.openConversation(this.conversationId));
  }

  override disconnectedCallback(): void {
    this.resizeObserver.disconnect();
    super.disconnectedCallback();
  }

  protected override firstUpdated(): void {
    const messages = this.renderRoot.querySelector('.messages-holder');
    if (messages) this.resizeObserver.observe(messages);
    // The message box is usable from the first render: that is when the app is interactive.
    if (performance.getEntriesByName('hearth:interactive').length === 0)
      performance.mark('hearth:interactive');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId') && this.conversationId !== this.current?.id)
      void this.openConversation(this.conversationId);
  }

  /* ---- what the shell's shortcuts call ---- */

  async newChat(): Promise<void> {
    this.current = undefined;
    this.listOpen = false;
    if (location.hash !== '#/chat') location.hash = '#/chat';
    await this.focusInput();
  }

  async focusInput(): Promise<void> {
    await this.updateComplete;
    this.input?.focus();
  }

  async focusSearch(): Promise<void> {
    this.listOpen = true;
    await this.updateComplete;
    await this.renderRoot.querySelector<ConversationList>('hearth-conversation-list')?.focusSearch();
  }

  /** Stops the answer being written; false when none is. */
  stop(): boolean {
    if (!this.active) return false;
    this.active.controller.abort('stopped by the user');
    return true;
  }

  /* ---- conversations ---- */

  private get input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('#message');
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  private async refreshList(): Promise<void> {
    // Reads can finish out of order (a save and a delete in quick succession): only the newest one is shown.
    const read = ++this.listReads;
    try {
      const conversations = await this.store.list();
      if (read === this.listReads) this.conversations = conversations;
    } catch (error) {
      this.notice = `Saved chats could not be read (${toHearthError(error).message}). New chats may not be kept; check that this site may store data.`;
    }
  }

  private async openConversation(id: string | undefined): Promise<void> {
    if (!id) {
      this.current = undefined;
      return;
    }
    if (this.current?.id === id) return;
    const found = this.conversations.find((c) => c.id === id) ?? (await this.store.get(id));
    this.current = found;
    this.stickToBottom = true;
    if (!found)
      this.notice = 'That chat no longer exists on this device. Pick another one or start a new chat.';
  }

  private async persist(conversation: Conversation): Promise<void> {
    // An answer that finishes after its chat was deleted must not bring the chat back.
    if (this.deleted.has(conversation.id)) return;
    conversation.updatedAt = Date.now();
    try {
      await this.store.put(conversation);
    } catch (error) {
      this.notice = `This chat could not be saved (${toHearthError(error).message}). Free some storage or export the chat to keep it.`;
    }
    await this.refreshList();
    if (this.current?.id === conversation.id) this.current = { ...conversation };
  }

  private select(id: string): void {
    this.listOpen = false;
    location.hash = `#/chat/${encodeURIComponent(id)}`;
  }

  private async rename(id: string, title: string): Promise<void> {
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) return;
    conversation.title = title;
    await this.persist(conversation);
  }

  private async deleteConversation(id: string): Promise<void> {
    if (this.active?.conversationId === id) this.stop();
    this.deleted.add(id);
    await this.store.delete(id);
    await this.refreshList();
    if (this.current?.id === id) await this.newChat();
  }

  /* ---- asking and answering ---- */

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const input = this.input;
    const text = input?.value.trim() ?? '';
    if (!text || this.active) return;
    input!.value = '';
    const conversation = this.current ?? newConversation();
    const fresh = !this.current;
    if (conversation.messages.length === 0) conversation.title = titleFrom(text);
    conversation.messages.push({ id: newId(), role: 'user', content: text, createdAt: Date.now() });
    this.current = conversation;
    this.stickToBottom = true;
    if (fresh) location.hash = `#/chat/${encodeURIComponent(conversation.id)}`;
    await this.answer(conversation);
  }

  private async regenerate(answerId: string): Promise<void> {
    const conversation = this.current;
    if (!conversation || this.active) return;
    const index = conversation.messages.findIndex((m) => m.id === answerId);
    if (index < 0) return;
    conversation.messages = conversation.messages.slice(0, index);
    await this.answer(conversation);
  }

  private async editAndResend(id: string, content: string): Promise<void> {
    const conversation = this.current;
    if (!conversation || this.active) return;
    const index = conversation.messages.findIndex((m) => m.id === id);
    if (index < 0) return;
    conversation.messages = [
      ...conversation.messages.slice(0, index),
      { ...conversation.messages[index]!, content },
    ];
    await this.answer(conversation);
  }

  /** Appends an answer to the conversation and streams it from the engine. */
  private async answer(conversation: Conversation): Promise<void> {
    const answer: StoredMessage = { id: newId(), role: 'assistant', content: '', createdAt: Date.now() };
    void loadRenderer(); // fetched while the model loads or thinks, ready for the first token
    const request = answerRequest(conversation);
    const sent = sentMessages(conversation);
    conversation.messages.push(answer);
    const controller = new AbortController();
    this.active = { conversationId: conversation.id, answerId: answer.id, controller };
    this.phase = this.capabilities ? { kind: 'waiting' } : { kind: 'loading', progress: null };
    await this.persist(conversation);
    await this.updateComplete;
    const element = this.renderRoot.querySelector<ChatMessageElement>(
      `hearth-chat-message[data-id="${answer.id}"]`,
    );
    element?.startStream();
    const { signal } = controller;
    await streamAnswer(
      { engine: this.engine, conversation, answer, request, sent, signal },
      {
        phase: (phase) => (this.phase = phase),
        opened: (capabilities) => (this.capabilities = capabilities),
        sourcesChanged: () => element?.requestUpdate(),
        delta: (text) => element?.appendDelta(text),
      },
    );
    await element?.endStream();
    this.active = null;
    this.phase = null;
    await this.persist(conversation);
    this.announce(answer);
  }

  /** One polite announcement when an answer ends, never one per token. */
  private announce(answer: StoredMessage): void {
    const text =
      answer.finish === 'abort'
        ? 'Answer stopped.'
        : answer.finish === 'error'
          ? 'The answer failed.'
          : `Answer ready: ${answer.content.slice(0, 500)}`;
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  /* ---- settings, export, import ---- */

  private saveSettings(change: SettingsChange): Promise<void> {
    return this.changeConversation((conversation) => {
      conversation.systemPrompt = change.systemPrompt;
      conversation.sampling = change.sampling;
    });
  }

  private saveGrounding(grounding: Grounding): Promise<void> {
    return this.changeConversation((conversation) => (conversation.grounding = grounding));
  }

  private chooseAdapter(name: string | null): Promise<void> {
    return this.changeConversation((conversation) => (conversation.adapter = name));
  }

  /** Changes the open conversation (a new one if none is open yet) and keeps it. */
  private async changeConversation(apply: (conversation: Conversation) => void): Promise<void> {
    const conversation = this.current ?? newConversation();
    const fresh = !this.current;
    apply(conversation);
    this.current = conversation;
    await this.persist(conversation);
    if (fresh) location.hash = `#/chat/${encodeURIComponent(conversation.id)}`;
  }

  private exportAs(kind: 'json' | 'md'): void {
    const conversation = this.current;
    if (!conversation) return;
    this.closeMenu();
    downloadConversation(conversation, kind);
  }

  private async importFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    this.closeMenu();
    if (!file) return;
    try {
      const conversation = parseConversationFile(await file.text(), file.name);
      await this.persist(conversation);
      this.notice = '';
      this.select(conversation.id);
    } catch (error) {
      this.notice = toHearthError(error).message;
    }
  }

  private closeMenu(): void {
    this.renderRoot.querySelector('details.menu')?.removeAttribute('open');
  }

  /* ---- rendering ---- */

  override render() {
    const conversation = this.current;
    return html`
      <aside class=${this.listOpen ? 'open' : ''} aria-label="Chats">
        <hearth-conversation-list
          .conversations=${this.conversations}
          .selected=${conversation?.id}
          @new-conversation=${() => this.newChat()}
          @open-conversation=${(e: CustomEvent<string>) => this.select(e.detail)}
          @rename-conversation=${(e: CustomEvent<{ id: string; title: string }>) => this.rename(e.detail.id, e.detail.title)}
          @delete-conversation=${(e: CustomEvent<string>) => this.deleteConversation(e.detail)}
        ></hearth-conversation-list>
      </aside>
      <section class="thread" aria-label="Conversation">
        ${renderChatBar({
          conversation,
          listOpen: this.listOpen,
          onToggleList: () => (this.listOpen = !this.listOpen),
          onAdapter: (name) => this.chooseAdapter(name),
          onSettings: () => this.renderRoot.querySelector<ChatSettings>('hearth-chat-settings')?.show(),
          onExport: (kind) => this.exportAs(kind),
          onChooseImport: () => this.renderRoot.querySelector<HTMLInputElement>('#import')?.click(),
          onImport: (event) => this.importFile(event),
        })}
        <div class="scroller" @scroll=${this.onScroll}>
          <div class="messages-holder">
            ${
              this.notice
                ? html`<div class="notice" role="alert">
                    <span>${this.notice}</span>
                    <button class="small" @click=${() => (this.notice = '')}>Dismiss</button>
                  </div>`
                : nothing
            }
            ${conversation && conversation.messages.length ? this.renderMessages(conversation) : renderWelcome()}
          </div>
        </div>
        ${renderComposer({
          conversation,
          generating: this.active !== null,
          contextLength: this.capabilities?.contextLength,
          onSubmit: (event) => this.submit(event),
          onStop: () => this.stop(),
          onGrounding: (grounding) => this.saveGrounding(grounding),
        })}
      </section>
      <hearth-chat-settings
        .conversation=${conversation}
        @save-settings=${(e: CustomEvent<SettingsChange>) => this.saveSettings(e.detail)}
      ></hearth-chat-settings>
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    `;
  }

  private onScroll(): void {
    const scroller = this.scroller;
    if (scroller)
      this.stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }

  private renderMessages(conversation: Conversation) {
    const lastAnswer = conversation.messages.findLast((m) => m.role === 'assistant');
    const dropped = droppedCount(conversation);
    return html`<div class="messages">
      ${dropped > 0 ? renderDroppedNote(dropped, this.capabilities?.contextLength) : nothing}
      ${repeat(
        conversation.messages,
        (m) => m.id,
        (m, index) =>
          html`<hearth-chat-message
            data-id=${m.id}
            ?data-dropped=${index < dropped}
            .message=${m}
            .phase=${this.active?.answerId === m.id ? this.phase : null}
            ?canRegenerate=${m === lastAnswer}
            ?busy=${this.active !== null}
            @regenerate=${(e: CustomEvent<string>) => this.regenerate(e.detail)}
            @edit-resend=${(e: CustomEvent<{ id: string; content: string }>) => this.editAndResend(e.detail.id, e.detail.content)}
          ></hearth-chat-message>`,
      )}
    </div>`;
  }
}

customElements.define('hearth-chat-view', ChatView);
