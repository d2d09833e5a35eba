import { html, LitElement, nothing } from 'lit';
import { HearthError } from '../../core/errors.ts';
import { formatBytes } from '../../core/format-bytes.ts';
import type { DeviceChoice, Hearth, ModelListing, ModelsApi, StorageStatus } from '../../runtime/index.ts';
import { getHearth } from '../hearth-instance.ts';
import { readModelChoice, updateModelChoice, type DeviceSetting, type ModelChoice } from '../model-choice.ts';
import { controls, viewPage } from '../shell/shared-styles.ts';
import { downloads } from './download-tracker.ts';
import { explainError, type ExplainedError } from './explain-error.ts';
import { renderError, renderModelCard, type ModelCardActions } from './model-card.ts';
import { modelsStyles } from './models-styles.ts';

type CachedModel = Awaited<ReturnType<ModelsApi['stored']>>[number];

const deviceLabels: Record<DeviceSetting, string> = { auto: 'Auto', webgpu: 'WebGPU', wasm: 'WASM' };

/**
 * The Models view: the catalog with sizes and what is stored of each model, downloads with
 * pause, resume and cancel, storage used and free with "keep my data", and the choice of chat
 * model, embedding model, device and mirror that the other views load (see model-choice.ts).
 */
export class ModelsView extends LitElement {
  static override styles = [controls, viewPage, modelsStyles];
  static override properties = {
    catalog: { state: true },
    cached: { state: true },
    storage: { state: true },
    choice: { state: true },
    auto: { state: true },
    problem: { state: true },
    errors: { state: true },
    mirrorDraft: { state: true },
  };

  declare catalog: ModelListing[];
  declare cached: CachedModel[];
  declare storage: StorageStatus | undefined;
  declare choice: ModelChoice;
  declare auto: DeviceChoice | undefined;
  /** A failure of the view itself (the store, the device check): shown above the catalog. */
  declare problem: ExplainedError | undefined;
  /** Failures of a delete, per model. */
  declare errors: Map<string, ExplainedError>;
  declare mirrorDraft: string;

  private hearth: Hearth | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.catalog = [];
    this.cached = [];
    this.choice = readModelChoice();
    this.errors = new Map();
    this.mirrorDraft = this.choice.mirror ?? '';
  }

  override connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = downloads.subscribe((modelId) => {
      const tracked = downloads.get(modelId);
      // A cancelled download refreshes once its files are deleted (see `cancel`), not while they go.
      if (tracked && ['done', 'paused', 'failed'].includes(tracked.state)) void this.refresh();
      this.requestUpdate();
    });
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  private async start() {
    try {
      this.hearth = await getHearth();
      this.catalog = this.hearth.models.catalog();
      await this.refresh();
      this.auto = await this.hearth.models.autoDevice();
      await this.checkWebGpu();
    } catch (error) {
      this.problem = explainError(error);
    }
  }

  private async refresh() {
    if (!this.hearth) return;
    try {
      const [cached, storage] = await Promise.all([
        this.hearth.models.stored(),
        this.hearth.models.storage(),
      ]);
      this.cached = cached;
      this.storage = storage;
    } catch (error) {
      this.problem = explainError(error);
    }
  }

  /** WebGPU chosen on a device without it: said here, before the chat fails to load. */
  private async checkWebGpu() {
    if (this.choice.device !== 'webgpu') {
      if (this.problem?.code === 'WEBGPU_UNAVAILABLE') this.problem = undefined;
      return;
    }
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const adapter = await gpu?.requestAdapter().catch(() => null);
    if (!adapter) {
      const why = gpu ? 'the browser found no WebGPU adapter' : 'this browser has no WebGPU';
      this.problem = explainError(new HearthError('WEBGPU_UNAVAILABLE', `WebGPU was chosen, but ${why}.`));
    }
  }

  private choose(change: Partial<ModelChoice>) {
    this.choice = updateModelChoice(change);
    void this.checkWebGpu();
  }

  private saveMirror(event: Event) {
    event.preventDefault();
    const mirror = this.mirrorDraft.trim();
    try {
      this.choose({ mirror: mirror || undefined });
      this.mirrorDraft = mirror;
      this.errors = new Map([...this.errors].filter(([key]) => key !== 'mirror'));
    } catch {
      const wrong = new HearthError('INVALID_INPUT', `"${mirror}" is not a web address.`);
      this.errors = new Map(this.errors).set('mirror', {
        ...explainError(wrong),
        headline: 'The mirror must be a full web address.',
        todo: 'Type it with http:// or https://, for example https://models.example.org, or leave it empty.',
      });
    }
  }

  private readonly actions: ModelCardActions = {
    download: (modelId) => {
      if (!this.hearth) return;
      this.dropError(modelId);
      downloads.start(this.hearth.models, modelId, this.choice.mirror);
    },
    pause: (modelId) => downloads.get(modelId)?.handle.pause(),
    resume: (modelId) => downloads.get(modelId)?.handle.resume(),
    cancel: (modelId) =>
      void downloads
        .get(modelId)
        ?.handle.cancel()
        .catch((error: unknown) => (this.errors = new Map(this.errors).set(modelId, explainError(error))))
        .then(() => this.refresh()),
    remove: (modelId) => void this.deleteModel(modelId),
  };

  private async deleteModel(modelId: string) {
    try {
      this.dropError(modelId);
      await this.hearth?.models.delete(modelId);
      await this.refresh();
    } catch (error) {
      this.errors = new Map(this.errors).set(modelId, explainError(error));
    }
  }

  private dropError(modelId: string) {
    if (!this.errors.has(modelId)) return;
    const next = new Map(this.errors);
    next.delete(modelId);
    this.errors = next;
  }

  private async keepMyData() {
    await this.hearth?.models.persist();
    await this.refresh();
  }

  override render() {
    return html`<h2>Models</h2>
      <p class="intro muted">
        The models this device keeps, and which of them the chat and your documents use. Models run here, on
        this device; their files are downloaded once and kept.
      </p>
      ${this.problem ? renderError(this.problem) : nothing} ${this.renderChoices()} ${this.renderStorage()}
      <section aria-labelledby="catalog-heading">
        <h3 id="catalog-heading">Catalog</h3>
        <ul class="models">
          ${this.catalog.map((listing) =>
            renderModelCard({
              listing,
              cached: this.cached.find(
                (model) => model.modelId === listing.id && model.revision === listing.revision,
              ),
              download: downloads.get(listing.id),
              inUse:
                listing.id === this.choice.chatModel
                  ? 'chat'
                  : listing.id === this.choice.embedModel
                    ? 'documents'
                    : undefined,
              error: this.errors.get(listing.id),
              actions: this.actions,
            }),
          )}
        </ul>
      </section>`;
  }

  private renderChoices() {
    const ofKind = (kind: ModelListing['kind']) => this.catalog.filter((listing) => listing.kind === kind);
    const select = (id: string, label: string, kind: ModelListing['kind'], key: 'chatModel' | 'embedModel') =>
      html`<div>
        <label for=${id}>${label}</label>
        <select
          id=${id}
          @change=${(e: Event) => this.choose({ [key]: (e.target as HTMLSelectElement).value })}
        >
          ${ofKind(kind).map(
            (listing) =>
              html`<option value=${listing.id} ?selected=${listing.id === this.choice[key]}>
                ${listing.id}
              </option>`,
          )}
        </select>
      </div>`;
    return html`<section aria-labelledby="choice-heading">
      <h3 id="choice-heading">What the app uses</h3>
      <div class="choices">
        ${select('chat-model', 'Chat model', 'chat', 'chatModel')}
        ${select('embed-model', 'Embedding model (for documents; applies after a reload)', 'embed', 'embedModel')}
        <fieldset>
          <legend>Device</legend>
          <div class="radios">
            ${(['auto', 'webgpu', 'wasm'] as const).map(
              (device) =>
                html`<label
                  ><input
                    type="radio"
                    name="device"
                    value=${device}
                    .checked=${this.choice.device === device}
                    @change=${() => this.choose({ device })}
                  />${deviceLabels[device]}</label
                >`,
            )}
          </div>
          <p class="muted" data-testid="auto-reason">
            ${
              this.auto
                ? `Auto picks ${deviceLabels[this.auto.device]} here: ${this.auto.reason.replace(/^auto: /, '')}`
                : 'Checking what Auto picks on this device…'
            }
          </p>
        </fieldset>
        <form @submit=${this.saveMirror}>
          <label for="mirror">Download from a mirror (optional)</label>
          <div class="row">
            <input
              id="mirror"
              type="url"
              placeholder="https://huggingface.co"
              aria-describedby="mirror-help"
              .value=${this.mirrorDraft}
              @input=${(e: Event) => (this.mirrorDraft = (e.target as HTMLInputElement).value)}
            />
            <button type="submit" data-action="save-mirror">Save</button>
          </div>
          <p id="mirror-help" class="muted" data-testid="mirror-status">
            ${
              this.choice.mirror
                ? `Downloads come from ${this.choice.mirror}.`
                : 'Empty: each model downloads from its own server.'
            }
            A mirror serves files as the Hugging Face hub does.
          </p>
          ${this.errors.get('mirror') ? renderError(this.errors.get('mirror')!) : nothing}
        </form>
      </div>
    </section>`;
  }

  private renderStorage() {
    const storage = this.storage;
    const models = this.cached.reduce((sum, model) => sum + model.size + model.partialBytes, 0);
    return html`<section aria-labelledby="storage-heading" data-testid="storage">
      <h3 id="storage-heading">Storage</h3>
      <dl>
        <dt>Models</dt>
        <dd data-testid="models-bytes" data-bytes=${models}>${formatBytes(models)}</dd>
        <dt>Used by this site</dt>
        <dd data-testid="storage-used" data-bytes=${storage?.usage ?? ''}>${formatBytes(storage?.usage)}</dd>
        <dt>Free for this site</dt>
        <dd data-testid="storage-free">${formatBytes(storage?.free)}</dd>
        <dt>Kept</dt>
        <dd data-testid="persisted" data-persisted=${String(storage?.persisted ?? false)}>
          ${
            storage?.persisted
              ? 'Yes: the browser keeps this data even when the disk is nearly full.'
              : 'Not yet: the browser may clear stored models when the disk is nearly full.'
          }
        </dd>
      </dl>
      ${
        storage?.persisted
          ? nothing
          : html`<button data-action="persist" @click=${() => void this.keepMyData()}>Keep my data</button>`
      }
    </section>`;
  }
}

customElements.define('hearth-models-view', ModelsView);
