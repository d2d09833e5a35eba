import { HearthError } from '../../core/errors.ts';
import type { AgentsApi, Decision, Interruption } from '../../runtime/index.ts';
import { abortable } from './abortable.ts';
import { pipelineProblemsError } from './agent-attribute.ts';
import type { PendingApproval } from './agent-view.ts';
import type { HearthChatConfig } from './config.ts';
import type { HearthChatMessage, Write } from './messages.ts';
import type { EngineLease } from './page-engine.ts';

/** What the agent answers need of their element. */
export interface AgentAnswersHost {
  /** The element's render root: approvals take the keyboard focus from its composer and give it back. */
  root(): HTMLElement | DocumentFragment;
  /** Resolves once the element has rendered what changed. */
  rendered(): Promise<unknown>;
  /** Shows the calls the run waits on under the answer being written; undefined once all are answered. */
  showApprovals(approvals: PendingApproval[] | undefined): void;
  /** The answer's tool calls or approvals changed. */
  requestUpdate(): void;
  /** A polite announcement for screen readers. */
  say(text: string): void;
  /** Reports what is wrong with the pipeline or the tools (the `error` event and the notice). */
  fail(error: unknown): void;
}

/**
 * The `agent` pipeline of one <hearth-chat>: checked as soon as it is set, then answering through the
 * page's `hearth.agents` on one thread per conversation, asking the visitor when a tool needs approval.
 */
export class AgentAnswers {
  /** The check in flight; an older one's result is dropped. */
  private check: object | undefined;
  /** The agent thread this conversation continues; `newConversation()` starts a new one. */
  private threadId: string | undefined;
  /** Counts conversations, so that a run stopped by a clear does not hand its thread to the next. */
  private conversation = 0;

  constructor(private readonly host: AgentAnswersHost) {}

  /**
   * Checks the pipeline as soon as the page's engine is there (its agents know the tools), so that a
   * pipeline that cannot run is reported when it is set, before any message.
   */
  checkWhenSet(lease: EngineLease | undefined, config: HearthChatConfig): void {
    const check = (this.check = {});
    if (!lease || !config.agent) return;
    this.checkedAgents(lease, config).catch((error: unknown) => {
      // Only what is wrong with the pipeline or the tools: an engine that failed to start says so itself.
      const about = error instanceof HearthError && (error.details as { attribute?: unknown })?.attribute;
      if (this.check === check && (about === 'agent' || about === 'tools')) this.host.fail(error);
    });
  }

  /** Drops the check in flight (the engine it used was given back). */
  forgetCheck(): void {
    this.check = undefined;
  }

  /** The next answer starts a new thread. */
  newConversation(): void {
    this.conversation++;
    this.threadId = undefined;
  }

  /**
   * An answer of the pipeline: its text streamed, its tool calls shown as they start and end, the
   * visitor asked when a tool needs approval. The run's code is fetched with the first such answer.
   */
  async answer(
    answer: HearthChatMessage,
    input: string,
    config: HearthChatConfig,
    lease: EngineLease,
    signal: AbortSignal,
    write: Write,
  ): Promise<void> {
    const [{ answerWithAgent }, agents] = await abortable(
      Promise.all([import('./agent-run.ts'), this.checkedAgents(lease, config)]),
      signal,
    );
    const conversation = this.conversation;
    const { output } = await answerWithAgent({
      agents,
      pipeline: config.agent,
      input,
      threadId: this.threadId,
      signal,
      onThread: (threadId) => {
        answer.threadId = threadId;
        if (this.conversation === conversation) this.threadId = threadId;
      },
      onText: write,
      onToolCalls: (calls) => {
        answer.toolCalls = calls;
        this.host.requestUpdate();
      },
      decide: (interruptions, stopped) => this.decide(interruptions, stopped),
    });
    answer.content = output;
    answer.finish = 'stop';
  }

  /** The page's agents with the element's tools, once the pipeline passed their check. */
  private async checkedAgents(lease: EngineLease, config: HearthChatConfig): Promise<AgentsApi> {
    const agents = await lease.agents(config.tools);
    const check = agents.validatePipeline(config.agent);
    if (!check.ok) throw pipelineProblemsError(check.problems);
    return agents;
  }

  /** Asks the visitor about each call the run waits on; resolves once every one is answered. */
  private decide(interruptions: Interruption[], signal: AbortSignal): Promise<Decision[]> {
    const { host } = this;
    return new Promise((resolve, reject) => {
      const root = host.root();
      const hadFocus = root instanceof ShadowRoot && root.activeElement !== null;
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        host.showApprovals(undefined);
        if (hadFocus) root.querySelector<HTMLTextAreaElement>('textarea')?.focus();
      };
      const onAbort = () => {
        done();
        reject(new HearthError('ABORTED', 'Stopped.'));
      };
      const approvals: PendingApproval[] = interruptions.map((interruption) => ({
        interruption,
        choose: (approve) => {
          const item = approvals.find((a) => a.interruption === interruption)!;
          if (item.approve !== undefined) return;
          item.approve = approve;
          host.requestUpdate();
          if (approvals.some((a) => a.approve === undefined)) return;
          done();
          resolve(approvals.map(toDecision));
        },
      }));
      signal.addEventListener('abort', onAbort, { once: true });
      host.showApprovals(approvals);
      host.say(
        `Approval needed: ${interruptions.map((i) => i.tool).join(', ')}. Approve or reject below the answer.`,
      );
      // Whoever was typing in the element answers at once, from the keyboard.
      if (hadFocus)
        void host
          .rendered()
          .then(() => root.querySelector<HTMLButtonElement>('[part="approve-button"]')?.focus());
    });
  }
}

function toDecision(approval: PendingApproval): Decision {
  return approval.approve
    ? { interruptionId: approval.interruption.id, approve: true }
    : { interruptionId: approval.interruption.id, approve: false, reason: 'The user rejected this call.' };
}
