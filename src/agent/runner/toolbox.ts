import { z } from 'zod';
import type { FunctionTool } from '../../engines/llm/contract.ts';
import {
  agentToolName,
  handoffToolName,
  isFanOut,
  type AgentSpec,
  type Pipeline,
  type PipelineNode,
} from '../pipeline/schema.ts';
import type { AgentTool, ToolParameters } from '../tool.ts';
import { zodParameters } from '../tools/define-tool.ts';

/** What a name the model calls stands for, for one agent. */
export type Callable =
  | { kind: 'tool'; name: string; tool: AgentTool }
  | { kind: 'handoff'; name: string; target: string; parameters: ToolParameters<unknown> }
  | { kind: 'agent'; name: string; target: string; parameters: ToolParameters<{ input: string }> };

const handoffParameters = zodParameters(z.object({}));
/** The question for an agent called as a tool; bounded, so a grammar-held model cannot write forever. */
const agentParameters = (maxInput: number) =>
  zodParameters(z.object({ input: z.string().min(1).max(maxInput) }));

/**
 * The tools of a pipeline. By default every agent's prompt lists the tools of the whole pipeline
 * (`promptTools: 'pipeline'`): chat templates print tools at the very start of the prompt, so
 * per-agent lists would make each handoff change the first tokens and lose the cached prefix. Each
 * agent still may call only its own; its instructions say which.
 */
export class Toolbox {
  private readonly nodes: Map<string, PipelineNode>;
  private readonly byAgent = new Map<string, Map<string, Callable>>();
  private readonly allCallables: Map<string, Callable>;
  private readonly shared: FunctionTool[];

  constructor(
    pipeline: Pipeline,
    registry: ReadonlyMap<string, AgentTool>,
    private readonly promptTools: 'pipeline' | 'agent' = 'pipeline',
    maxAgentInput = 4_000,
  ) {
    const askParameters = agentParameters(maxAgentInput);
    this.nodes = new Map(pipeline.agents.map((node) => [node.name, node]));
    const all = new Map<string, Callable>();
    for (const node of pipeline.agents) {
      if (isFanOut(node)) continue;
      const own = new Map<string, Callable>();
      for (const name of node.tools) {
        const tool = registry.get(name);
        if (tool) own.set(name, { kind: 'tool', name, tool });
      }
      for (const target of node.handoffs) {
        const name = handoffToolName(target);
        own.set(name, { kind: 'handoff', name, target, parameters: handoffParameters });
      }
      for (const target of node.agentTools) {
        const name = agentToolName(target);
        own.set(name, { kind: 'agent', name, target, parameters: askParameters });
      }
      this.byAgent.set(node.name, own);
      for (const [name, callable] of own) all.set(name, callable);
    }
    // Fan-out branches are asked like agent tools, by the runtime itself.
    for (const node of pipeline.agents) {
      if (!isFanOut(node)) continue;
      for (const target of node.branches) {
        const name = agentToolName(target);
        if (!all.has(name)) all.set(name, { kind: 'agent', name, target, parameters: askParameters });
      }
    }
    this.allCallables = all;
    this.shared = [...all.values()]
      .filter((c) => !isFanOutBranchOnly(c, this.byAgent))
      .map((c) => this.describe(c));
  }

  /** The names one agent may call. */
  callable(agent: string): Map<string, Callable> {
    return this.byAgent.get(agent) ?? new Map();
  }

  /** Any callable of the pipeline by name (fan-out branches included). */
  lookup(name: string): Callable | undefined {
    return this.allCallables.get(name);
  }

  /** The tools listed in `agent`'s prompt. */
  functionTools(agent: string): FunctionTool[] {
    if (this.promptTools === 'pipeline') return this.shared;
    return [...this.callable(agent).values()].map((c) => this.describe(c));
  }

  private describe(callable: Callable): FunctionTool {
    if (callable.kind === 'tool') {
      return {
        type: 'function',
        function: {
          name: callable.name,
          description: callable.tool.description,
          parameters: callable.tool.parameters.jsonSchema,
        },
      };
    }
    const target = this.nodes.get(callable.target);
    const about = target?.description ? ` ${target.description}` : '';
    return {
      type: 'function',
      function: {
        name: callable.name,
        description:
          callable.kind === 'handoff'
            ? `Hand the conversation over to ${callable.target}.${about}`
            : `Ask ${callable.target} (it sees only your input) and read its answer.${about}`,
        parameters: callable.parameters.jsonSchema,
      },
    };
  }
}

function isFanOutBranchOnly(callable: Callable, byAgent: Map<string, Map<string, Callable>>): boolean {
  if (callable.kind !== 'agent') return false;
  for (const own of byAgent.values()) if (own.has(callable.name)) return false;
  return true;
}

/** The system message an agent's turn starts with: who it is, what it does, what it may call. */
export function instructionsText(agent: AgentSpec, callable: Map<string, Callable>): string {
  const lines = [`You are ${agent.name}.`];
  if (agent.instructions) lines.push(agent.instructions);
  lines.push(
    callable.size
      ? `You may call only these tools: ${[...callable.keys()].join(', ')}.`
      : 'Answer directly; do not call tools.',
  );
  return lines.join('\n');
}
