import { html, LitElement, nothing } from 'lit';
import { toHearthError } from '../../core/errors.ts';
import type { Decision, RunRecord, SpanRecord } from '../../runtime/index.ts';
import { controls, viewPage } from '../shell/shared-styles.ts';
import { openAgents, type AgentsLink } from './agents-link.ts';
import { agentsStyles } from './agents-styles.ts';
import { deleteNote, noteEvents, readNotes, type Note } from './notes.ts';
import './pipeline-editor.ts';
import type { PipelineEditor } from './pipeline-editor.ts';
import './pipeline-graph.ts';
import {
  presets,
  presetText,
  readSaved,
  textFor,
  writeSaved,
  type SavedPipelines,
} from './pipeline-library.ts';
import { addToolToAgent, checkPipelineText, type PipelineTextCheck } from './pipeline-text.ts';
import { takeSignInOutcome, type SignInOutcome } from './remote/mcp-sign-in.ts';
import './remote/remote-panel.ts';
import './run-panel.ts';
import { RunSession } from './run-session.ts';
import './trace-timeline.ts';

const runStateWords: Record<RunRecord['status'], string> = {
  running: 'running',
  paused: 'waits for you',
  completed: 'completed',
  failed: 'failed',
  aborted: 'stopped',
};

/**
 * The Agents view: pick or edit a pipeline (its JSON checked as it is typed, drawn as a graph), run
 * it on the local chat model with its events streamed, answer its approvals (after a reload too: a
 * paused run is opened again as stored), read a run's trace as a timeline and export it as
 * OTLP/JSON; add remote tools (A2A agents) and give them to the pipeline's agents.
 */
export class AgentsView extends LitElement {
  static override properties = {
    link: { state: true },
    failure: { state: true },
    saved: { state: true },
    text: { state: true },
    check: { state: true },
    request: { state: true },
    runs: { state: true },
    traceOpen: { state: true },
    spans: { state: true },
    notes: { state: true },
    signIn: { state: true },
    toolNames: { state: true },
  };
  declare private link: AgentsLink | null;
  declare private failure: string;
  declare private saved: SavedPipelines;
  declare private text: string;
  declare private check: PipelineTextCheck | null;
  declare private request: string;
  declare private runs: RunRecord[];
  declare private traceOpen: boolean;
  declare private spans: SpanRecord[];
  declare private notes: Note[];
  /** What came of an MCP sign-in the page just came back from. */
  declare private signIn: SignInOutcome | null;
  declare private toolNames: string[];
  private session: RunSession | null = null;
  private wasRunning = false;
  private frame = 0;
  private spansOf: { runId: string; updatedAt: number } | null = null;
  private readonly onNotes = () => (this.notes = readNotes());
  /** Remote tools came or went: the tool list and the pipeline's check change with them. */
  private readonly onRemote = () => this.validate();

  constructor() {
    super();
    this.link = null;
    this.failure = '';
    this.saved = readSaved();
    this.text = textFor(this.saved, this.saved.selected);
    this.check = null;
    this.request = presets.find((p) => p.id === this.saved.selected)?.input ?? '';
    this.runs = [];
    this.traceOpen = false;
    this.spans = [];
    this.notes = readNotes();
    this.toolNames = [];
    this.signIn = takeSignInOutcome();
  }

  static override styles = [controls, viewPage, agentsStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    noteEvents.addEventListener('change', this.onNotes);
    void this.start();
  }

  override disconnectedCallback(): void {
    noteEvents.removeEventListener('change', this.onNotes);
    this.link?.remote.events.removeEventListener('change', this.onRemote);
    super.disconnectedCallback();
  }

  private async start(): Promise<void> {
    try {
      this.link = await openAgents();
    } catch (error) {
      this.failure = `The agents could not start: ${toHearthError(error).message}`;
      return;
    }
    this.link.remote.events.addEventListener('change', this.onRemote);
    this.session = new RunSession(this.link.agents, () => this.onSession());
    this.validate();
    await this.loadRuns();
    // After a reload, the run that waits for an answer (or whose page closed mid-step) comes first.
    const views = await Promise.all(
      this.runs.slice(0, 10).map((run) => this.link!.agents.runs.get(run.id).catch(() => null)),
    );
    const waiting = views.find(
      (view) => view && !view.live && (view.run.status === 'paused' || view.interrupted),
    );
    const shown = waiting?.run.id ?? this.runs[0]?.id;
    if (shown) await this.session.show(shown);
  }

  private validate(): void {
    if (!this.link) return;
    const agents = this.link.agents;
    this.toolNames = agents.tools.list().map((tool) => tool.name);
    this.check = checkPipelineText(this.text, (json) => agents.validatePipeline(json));
  }

  private async loadRuns(): Promise<void> {
    if (!this.link) return;
    try {
      this.runs = (await this.link.agents.runs.list()).slice(0, 20);
    } catch (error) {
      this.failure = `Past runs could not be read: ${toHearthError(error).message}`;
    }
  }

  private onSession(): void {
    const snapshot = this.session!.snapshot;
    // Tokens arrive faster than frames: one render per frame is enough.
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.requestUpdate();
    });
    if (this.wasRunning && !snapshot.running) void this.loadRuns();
    if (!this.wasRunning && snapshot.running) void this.loadRuns();
    this.wasRunning = snapshot.running;
    const run = snapshot.view?.run;
    if (
      this.traceOpen &&
      run &&
      (this.spansOf?.runId !== run.id || this.spansOf.updatedAt !== run.updatedAt)
    ) {
      void this.loadSpans();
    }
  }

  /* ---- the pipeline ---- */

  private choose(id: string): void {
    this.saved = { ...this.saved, selected: id };
    writeSaved(this.saved);
    this.text = textFor(this.saved, id);
    this.request = presets.find((p) => p.id === id)?.input ?? this.request;
    this.validate();
  }

  private edit(text: string): void {
    this.text = text;
    this.saved = { ...this.saved, drafts: { ...this.saved.drafts, [this.saved.selected]: text } };
    writeSaved(this.saved);
    this.validate();
  }

  private restore(): void {
    const { [this.saved.selected]: _dropped, ...drafts } = this.saved.drafts;
    this.saved = { ...this.saved, drafts };
    writeSaved(this.saved);
    const preset = presets.find((p) => p.id === this.saved.selected) ?? presets[0]!;
    this.text = presetText(preset);
    this.validate();
  }

  private useTool(tool: string, agent: string): void {
    if (!this.check?.ok) return;
    this.edit(addToolToAgent(this.text, this.check.pipeline, agent, tool));
  }

  /* ---- runs ---- */

  private runPipeline(event: Event): void {
    event.preventDefault();
    const check = this.check;
    if (!check?.ok) {
      const editor = this.renderRoot.querySelector<PipelineEditor>('hearth-pipeline-editor');
      if (check && !check.ok && check.problems[0]) editor?.select(check.problems[0]);
      return;
    }
    const input = this.request.trim();
    if (!input || !this.session) return;
    this.spans = [];
    this.spansOf = null;
    this.session.start(check.pipeline, input);
  }

  private decide(decisions: Decision[]): void {
    this.session?.resume(decisions);
  }

  private async showRun(runId: string): Promise<void> {
    if (!this.session || this.session.snapshot.running) return;
    this.spansOf = null;
    this.spans = [];
    await this.session.show(runId);
    if (this.traceOpen) await this.loadSpans();
  }

  /* ---- the trace ---- */

  private async loadSpans(): Promise<void> {
    const run = this.session?.snapshot.view?.run;
    if (!run || !this.link) return;
    this.spansOf = { runId: run.id, updatedAt: run.updatedAt };
    try {
      this.spans = await this.link.agents.traces.spans(run.id);
    } catch (error) {
      this.failure = `The trace could not be read: ${toHearthError(error).message}`;
    }
  }

  private async toggleTrace(): Promise<void> {
    this.traceOpen = !this.traceOpen;
    if (this.traceOpen) await this.loadSpans();
  }

  private async exportTrace(): Promise<void> {
    const runId = this.session?.runId;
    if (!runId || !this.link) return;
    try {
      const otlp = await this.link.agents.traces.exportOtlp(runId);
      const blob = new Blob([JSON.stringify(otlp, null, 2)], { type: 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `hearth-trace-${runId}.otlp.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      this.failure = `The trace could not be exported: ${toHearthError(error).message}`;
    }
  }

  /* ---- rendering ---- */

  override render() {
    const snapshot = this.session?.snapshot ?? null;
    const pipeline = this.check?.ok ? this.check.pipeline : null;
    const agentNames = pipeline?.agents.filter((a) => a.kind !== 'fan_out').map((a) => a.name) ?? [];
    return html`
      <h2>Agents</h2>
      <p class="muted intro">
        Agents that run on this device with the chat model chosen in Models: they call tools, hand work to
        each other and ask you before anything with side effects. Every step is kept, so a run waiting for you
        is still here after a reload, with a trace of what it did.
      </p>
      ${this.failure ? html`<p class="problem" role="alert">${this.failure}</p>` : nothing}
      ${
        this.signIn
          ? this.signIn.ok
            ? html`<p role="status" data-testid="sign-in-outcome">
                Signed in to the MCP server “${this.signIn.serverId}”.
              </p>`
            : html`<p class="problem" role="alert" data-testid="sign-in-outcome">${this.signIn.message}</p>`
          : nothing
      }
      <div class="columns">
        <div>
          ${this.renderPipeline()}
          <section aria-labelledby="graph-heading">
            <h3 id="graph-heading">Graph</h3>
            <hearth-pipeline-graph
              .pipeline=${pipeline}
              .active=${snapshot?.activeAgent ?? null}
            ></hearth-pipeline-graph>
          </section>
        </div>
        <div>${this.renderRun()} ${this.renderTrace()} ${this.renderRuns()}</div>
      </div>
      <section>
        <hearth-remote-panel
          .remote=${this.link?.remote ?? null}
          .agentNames=${agentNames}
          @use-tool=${(e: CustomEvent<{ tool: string; agent: string }>) => this.useTool(e.detail.tool, e.detail.agent)}
        ></hearth-remote-panel>
      </section>
      ${this.renderNotes()}
    `;
  }

  private renderPipeline() {
    const preset = presets.find((p) => p.id === this.saved.selected) ?? presets[0]!;
    const edited = this.saved.drafts[preset.id] !== undefined && this.text !== presetText(preset);
    const check = this.check;
    const summary = check?.ok
      ? `Checks out: ${check.pipeline.agents.length} step${check.pipeline.agents.length === 1 ? '' : 's'}, starting at ${check.pipeline.entry}.`
      : '';
    return html`<section aria-labelledby="pipeline-heading">
      <h3 id="pipeline-heading">Pipeline</h3>
      <div class="picker">
        <label class="field"
          >Start from
          <select
            data-action="pick-pipeline"
            .value=${preset.id}
            @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}
          >
            ${presets.map((p) => html`<option value=${p.id} ?selected=${p.id === preset.id}>${p.label}</option>`)}
          </select>
        </label>
        <button data-action="restore-pipeline" ?disabled=${!edited} @click=${() => this.restore()}>
          Undo my edits
        </button>
      </div>
      <p class="muted summary">
        ${preset.summary}${edited ? ' (edited: your changes are kept on this device)' : ''}
      </p>
      <hearth-pipeline-editor
        .text=${this.text}
        .problems=${check && !check.ok ? check.problems : []}
        .summary=${summary}
        @pipeline-text=${(e: CustomEvent<string>) => this.edit(e.detail)}
      ></hearth-pipeline-editor>
      <p class="muted tools-list">
        Tools an agent may name:
        ${this.toolNames.map((name, i) => html`${i ? ', ' : ''}<code>${name}</code>`)}. Handoffs and agents
        called as tools need no entry here.
      </p>
    </section>`;
  }

  private renderRun() {
    const snapshot = this.session?.snapshot ?? null;
    const running = snapshot?.running ?? false;
    return html`<section aria-labelledby="run-heading">
      <h3 id="run-heading">Run</h3>
      <form @submit=${this.runPipeline}>
        <label class="field"
          >Your request
          <textarea
            class="request"
            name="request"
            .value=${this.request}
            @input=${(e: Event) => (this.request = (e.target as HTMLTextAreaElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.runPipeline(e);
            }}
          ></textarea>
        </label>
        <div class="row run-actions">
          <button
            type="submit"
            class="primary"
            data-action="run"
            ?disabled=${!this.link || running || !this.check?.ok || !this.request.trim()}
            title="Run (Ctrl+Enter)"
          >
            Run
          </button>
          ${running ? html`<button type="button" data-action="stop-run" @click=${() => this.session?.stop()}>Stop</button>` : nothing}
          ${
            this.check && !this.check.ok
              ? html`<span class="muted"
                  >Fix the pipeline first (${this.check.problems.length}
                  problem${this.check.problems.length === 1 ? '' : 's'}).</span
                >`
              : nothing
          }
        </div>
      </form>
      <hearth-run-panel
        .snapshot=${snapshot ? { ...snapshot } : null}
        @decide=${(e: CustomEvent<Decision[]>) => this.decide(e.detail)}
        @resume-run=${() => this.session?.resume()}
      ></hearth-run-panel>
    </section>`;
  }

  private renderTrace() {
    const runId = this.session?.runId;
    return html`<section aria-labelledby="trace-heading">
      <div class="row">
        <h3 id="trace-heading">Trace</h3>
        <button
          data-action="toggle-trace"
          aria-expanded=${this.traceOpen ? 'true' : 'false'}
          ?disabled=${!runId}
          @click=${() => this.toggleTrace()}
        >
          ${this.traceOpen ? 'Hide the trace' : 'Show the trace'}
        </button>
        <button data-action="export-trace" ?disabled=${!runId} @click=${() => this.exportTrace()}>
          Export (OTLP/JSON)
        </button>
      </div>
      <p class="muted">
        Every run, agent, model call, tool call, handoff and approval as a span with its duration. The export
        is OpenTelemetry’s own format: a collector’s <code>/v1/traces</code> takes it as it is.
      </p>
      ${this.traceOpen ? html`<hearth-trace-timeline .spans=${this.spans}></hearth-trace-timeline>` : nothing}
    </section>`;
  }

  private renderRuns() {
    const current = this.session?.runId;
    return html`<section aria-labelledby="runs-heading">
      <h3 id="runs-heading">Recent runs</h3>
      ${
        this.runs.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<ul class="runs" data-testid="runs">
              ${this.runs.map(
                (run) =>
                  html`<li>
                    <button
                      data-run=${run.id}
                      aria-current=${run.id === current ? 'true' : 'false'}
                      @click=${() => this.showRun(run.id)}
                    >
                      <span>${run.input.slice(0, 120)}</span>
                      <span class="run-state muted">${run.pipeline.name} · ${runStateWords[run.status]}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  private renderNotes() {
    return html`<section aria-labelledby="notes-heading">
      <h3 id="notes-heading">Notes the agents saved</h3>
      <p class="muted">
        <code>save_note</code> is this app’s own tool: it asks you before each note, and keeps them on this
        device.
      </p>
      ${
        this.notes.length === 0
          ? html`<p class="muted">No notes yet.</p>`
          : html`<ul class="notes" data-testid="notes">
              ${this.notes.map(
                (note) =>
                  html`<li>
                    <span>${note.text}</span>
                    <button class="danger" data-action="delete-note" @click=${() => deleteNote(note.at)}>
                      Delete<span class="sr-only"> the note “${note.text}”</span>
                    </button>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }
}

customElements.define('hearth-agents-view', AgentsView);
