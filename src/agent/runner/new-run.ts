import type { ThreadItem } from '../items.ts';
import { DEFAULT_LIMITS, isFanOut, type Pipeline, type RunLimits } from '../pipeline/schema.ts';
import { emptyUsage, type RunRecord } from '../run-record.ts';
import { randomHex } from '../trace/span.ts';
import { instructionsText, type Toolbox } from './toolbox.ts';

export interface NewRun {
  id?: string;
  pipeline: Pipeline;
  threadId: string;
  input: string;
  /** The agent to start with: the pipeline's entry, or the agent a call asks. */
  agent: string;
  limits?: Partial<RunLimits>;
  parent?: { runId: string; callId: string; rootRunId: string; traceId: string; depth: number };
}

export function newRunRecord(spec: NewRun): RunRecord {
  const now = Date.now();
  const id = spec.id ?? crypto.randomUUID();
  return {
    id,
    threadId: spec.threadId,
    rootRunId: spec.parent?.rootRunId ?? id,
    ...(spec.parent ? { parent: { runId: spec.parent.runId, callId: spec.parent.callId } } : {}),
    depth: spec.parent ? spec.parent.depth + 1 : 0,
    pipeline: spec.pipeline,
    input: spec.input,
    agent: spec.agent,
    status: 'running',
    turns: 0,
    handoffs: 0,
    toolChoiceReset: false,
    invalidStreak: {},
    step: null,
    interruptions: [],
    usage: emptyUsage(),
    limits: { ...DEFAULT_LIMITS, ...spec.pipeline.limits, ...spec.limits },
    traceId: spec.parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    createdAt: now,
    updatedAt: now,
  };
}

/** What a run writes to its thread as it starts: the user's input, then the first agent's instructions. */
export function openingItems(run: RunRecord, toolbox: Toolbox): ThreadItem[] {
  return [{ type: 'user', text: run.input }, ...instructionsItem(run, run.agent, toolbox)];
}

export function instructionsItem(run: RunRecord, agent: string, toolbox: Toolbox): ThreadItem[] {
  const node = run.pipeline.agents.find((a) => a.name === agent);
  if (!node || isFanOut(node)) return [];
  return [{ type: 'instructions', agent, text: instructionsText(node, toolbox.callable(agent)) }];
}
