import { html, LitElement, nothing } from 'lit';
import { formatBytes } from '../../core/format-bytes.ts';
import type { AdapterManifest, AdapterSync, SyncFailure } from '../../runtime/index.ts';
import { ConversationStore } from '../chat/conversation-store.ts';
import type { Conversation } from '../chat/conversation.ts';
import { controls, viewPage } from '../shell/shared-styles.ts';
import {
  fineTuningSettings,
  noteUsableAdapters,
  openAdapterSync,
  saveFineTuningSettings,
} from './adapter-link.ts';
import { adapterRows, statusLabels } from './adapter-rows.ts';
import { adaptersStyles } from './adapters-styles.ts';
import { explain, type Explained } from './explain.ts';
import { fineTuningSettingsSchema, type FineTuningSettings } from './fine-tuning-settings.ts';
import './training-consent-dialog.ts';
import type { ConsentRequest, TrainingConsentDialog } from './training-consent-dialog.ts';
import { trainingMessages } from './training-data.ts';
import { TrainingTask } from './training-task.ts';

/**
 * The Adapters view: the fine-tuning server's URL and key (kept in IndexedDB, never exported), the LoRA
 * adapters synced to this device with their status, "Sync now", and sending a conversation for training
 * (after explicit consent) with the job's progress streamed from the server.
 */
export class AdaptersView extends LitElement {
  static override properties = {
    settings: { state: true },
    sync: { state: true },
    remote: { state: true },
    failures: { state: true },
    syncing: { state: true },
    problem: { state: true },
    settingsProblem: { state: true },
    saved: { state: true },
    conversations: { state: true },
    chosen: { state: true },
    tasks: { state: true },
    trainingProblem: { state: true },
  };
  declare private settings: FineTuningSettings | null;
  declare private sync: AdapterSync | null;
  declare private remote: AdapterManifest[];
  declare private failures: SyncFailure[];
  declare private syncing: boolean;
  declare private problem: Explained | null;
  declare private settingsProblem: string;
  declare private saved: boolean;
  declare private conversations: Conversation[];
  declare private chosen: string;
  declare private tasks: TrainingTask[];
  declare private trainingProblem: Explained | null;
  private readonly conversationStore = new ConversationStore();

  constructor() {
    super();
    this.settings = null;
    this.sync = null;
    this.remote = [];
    this.failures = [];
    this.syncing = false;
    this.problem = null;
    this.settingsProblem = '';
    this.saved = false;
    this.conversations = [];
    this.chosen = '';
    this.tasks = [];
    this.trainingProblem = null;
  }

  static override styles = [controls, viewPage, adaptersStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.start();
  }

  override disconnectedCallback(): void {
    for (const task of this.tasks) task.stop();
    super.disconnectedCallback();
  }

  private async start(): Promise<void> {
    this.conversations = (await this.conversationStore.list()).filter((c) => c.messages.length > 0);
    this.chosen = this.conversations[0]?.id ?? '';
    this.settings = await fineTuningSettings.get();
    await this.open();
  }

  /** Opens sync with the saved settings (stored adapters at once) and lists what the server offers. */
  private async open(): Promise<void> {
    this.problem = null;
    try {
      this.sync = await openAdapterSync();
      noteUsableAdapters(this.sync);
      if (this.sync) this.remote = await this.sync.list();
    } catch (error) {
      this.problem = explain(error);
    }
  }

  private async syncNow(): Promise<void> {
    if (!this.sync) return;
    this.syncing = true;
    this.problem = null;
    try {
      const report = await this.sync.sync();
      this.failures = report.failed;
      if (report.offline) this.problem = explain(await this.sync.list().catch((error: unknown) => error));
      else this.remote = await this.sync.list();
    } catch (error) {
      this.problem = explain(error);
    }
    noteUsableAdapters(this.sync);
    this.syncing = false;
  }

  private async saveSettings(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const parsed = fineTuningSettingsSchema.safeParse({
      baseUrl: String(form.get('baseUrl') ?? ''),
      apiKey: String(form.get('apiKey') ?? ''),
    });
    if (!parsed.success) {
      this.settingsProblem = `Check the settings: ${parsed.error.issues.map((i) => i.message).join('; ')}.`;
      return;
    }
    this.settingsProblem = '';
    await saveFineTuningSettings(parsed.data);
    this.settings = parsed.data;
    this.saved = true;
    this.remote = [];
    this.failures = [];
    await this.open();
  }

  private askConsent(): void {
    const conversation = this.conversations.find((c) => c.id === this.chosen);
    if (!conversation || !this.sync || !this.settings) return;
    this.trainingProblem = null;
    // The line comes from the runtime (loaded with this view); it refuses what training could not use.
    void import('../../runtime/index.ts').then(({ conversationToDatasetLine }) => {
      try {
        const line = conversationToDatasetLine({ messages: trainingMessages(conversation), consent: true });
        void this.renderRoot.querySelector<TrainingConsentDialog>('hearth-training-consent')?.show({
          title: conversation.title,
          server: this.settings!.baseUrl,
          model: this.sync!.baseModel,
          line,
        });
      } catch (error) {
        this.trainingProblem = explain(error);
      }
    });
  }

  private send(request: ConsentRequest): void {
    if (!this.sync) return;
    const task = new TrainingTask(request.title, this.sync);
    this.tasks = [task, ...this.tasks];
    void task.run(request.line, () => this.requestUpdate());
  }

  override render() {
    return html`
      <h2>Adapters</h2>
      <p class="muted">
        LoRA adapters from your fine-tuning server change how the model answers. Sync them to this device,
        choose one per chat (in the chat's toolbar), and send a conversation for training.
      </p>
      ${this.renderSettings()} ${this.renderAdapters()} ${this.renderTraining()}
      <hearth-training-consent
        @consent=${(e: CustomEvent<ConsentRequest>) => this.send(e.detail)}
      ></hearth-training-consent>
    `;
  }

  private renderProblem(problem: Explained | null) {
    if (!problem) return nothing;
    return html`<div class="problem" role="alert">
      <strong>${problem.headline}</strong>
      <span>${problem.message}</span>
      <span class="muted">(${problem.code})</span>
    </div>`;
  }

  private renderSettings() {
    const s = this.settings;
    return html`<section aria-labelledby="settings-heading">
      <h3 id="settings-heading">Fine-tuning server</h3>
      <p class="muted">
        Kept on this device only (never in a chat export). Use a <code>training</code> key, never a full one:
        <code>npm start</code> prints one.
      </p>
      <form class="settings" @submit=${this.saveSettings}>
        <label
          >API URL
          <input name="baseUrl" type="url" autocomplete="url" required .value=${s?.baseUrl ?? ''} />
        </label>
        <label
          >API key
          <input name="apiKey" type="password" autocomplete="off" required .value=${s?.apiKey ?? ''} />
        </label>
        <button type="submit" class="primary" data-action="save-settings">Save</button>
      </form>
      ${this.settingsProblem ? html`<p class="problem" role="alert">${this.settingsProblem}</p>` : nothing}
      ${this.saved ? html`<p role="status">Saved.</p>` : nothing}
    </section>`;
  }

  private renderAdapters() {
    const rows = this.sync ? adapterRows(this.sync, this.remote, this.failures) : [];
    return html`<section aria-labelledby="adapters-heading">
      <div class="row">
        <h3 id="adapters-heading">Adapters</h3>
        <button data-action="sync" ?disabled=${!this.sync || this.syncing} @click=${this.syncNow}>
          ${this.syncing ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      ${this.renderProblem(this.problem)}
      ${
        !this.settings
          ? html`<p class="muted">Enter the fine-tuning server's URL and key above to see its adapters.</p>`
          : rows.length === 0
            ? html`<p class="muted">No adapter for ${this.sync?.baseModel ?? 'this model'} yet.</p>`
            : html`<table data-testid="adapters">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Version</th>
                    <th scope="col">Size</th>
                    <th scope="col">Base model</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (row) =>
                      html`<tr data-adapter=${row.id}>
                        <td data-label="Name">${row.name}</td>
                        <td data-label="Version">${row.version}</td>
                        <td data-label="Size">${formatBytes(row.bytes)}</td>
                        <td data-label="Base model">${row.baseModel}</td>
                        <td data-label="Status" data-status=${row.status}>
                          <span class=${row.status === 'in-use' ? 'status-in-use' : ''}
                            >${statusLabels[row.status]}</span
                          >${row.problem ? html`<span class="problem"> ${row.problem}</span>` : nothing}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
    </section>`;
  }

  private renderTraining() {
    return html`<section aria-labelledby="training-heading">
      <h3 id="training-heading">Send a conversation for training</h3>
      <p class="muted">
        You see exactly what is sent and agree to it first. The server trains a new adapter from it; sync to
        use it.
      </p>
      <div class="row">
        <label
          >Conversation
          <select
            name="conversation"
            .value=${this.chosen}
            @change=${(e: Event) => (this.chosen = (e.target as HTMLSelectElement).value)}
          >
            ${this.conversations.map(
              (c) => html`<option value=${c.id} ?selected=${c.id === this.chosen}>${c.title}</option>`,
            )}
          </select>
        </label>
        <button data-action="train" ?disabled=${!this.sync || !this.chosen} @click=${() => this.askConsent()}>
          Send for training…
        </button>
      </div>
      ${this.conversations.length === 0 ? html`<p class="muted">Chat first: no conversation has messages yet.</p>` : nothing}
      ${this.renderProblem(this.trainingProblem)}
      ${
        this.tasks.length
          ? html`<ul class="jobs" aria-label="Training jobs">
              ${this.tasks.map((t) => this.renderTask(t))}
            </ul>`
          : nothing
      }
    </section>`;
  }

  private renderTask(task: TrainingTask) {
    const p = task.progress;
    const done = task.job?.status === 'succeeded';
    return html`<li data-job=${task.job?.id ?? ''} data-status=${task.status}>
      <div class="row">
        <strong>${task.title}</strong>
        <span class="muted">${task.job?.id ?? 'uploading…'}</span>
        <span data-testid="job-status" role="status">${task.status.replace('_', ' ')}</span>
        ${
          task.job && !task.final
            ? html`<button
                class="danger"
                data-action="cancel-job"
                ?disabled=${task.cancelling}
                @click=${() => task.cancel(() => this.requestUpdate())}
              >
                ${task.cancelling ? 'Cancelling…' : 'Cancel job'}
              </button>`
            : nothing
        }
      </div>
      ${
        p
          ? html`<progress
              max=${p.totalSteps}
              .value=${p.step}
              aria-label="Training progress: step ${p.step} of ${p.totalSteps}"
            ></progress>`
          : !task.final
            ? html`<progress aria-label="Training progress"></progress>`
            : nothing
      }
      ${task.lastMessage ? html`<p class="muted" data-testid="job-message">${task.lastMessage}</p>` : nothing}
      ${
        done
          ? html`<p>Published <code>${task.job!.fine_tuned_model}</code>: press “Sync now” to use it.</p>`
          : nothing
      }
      ${task.job?.error ? html`<p class="problem">${task.job.error.message} (${task.job.error.code})</p>` : nothing}
      ${this.renderProblem(task.error)}
    </li>`;
  }
}

customElements.define('hearth-adapters-view', AdaptersView);
