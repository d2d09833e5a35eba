import type { AgentErrorCode } from '../errors.ts';
import {
  agentToolName,
  handoffToolName,
  isFanOut,
  pipelineSchema,
  type AgentSpec,
  type Pipeline,
  type PipelineNode,
} from './schema.ts';

/** One thing wrong with a pipeline, with where it is (a JSON path an editor can highlight). */
export interface PipelineProblem {
  code: AgentErrorCode;
  path: Array<string | number>;
  message: string;
}

export type PipelineCheck = { ok: true; pipeline: Pipeline } | { ok: false; problems: PipelineProblem[] };

/**
 * Checks a pipeline before anything runs: its shape, that every agent and tool it names exists, and
 * that no part of it can go round forever without a way to answer. `tools` are the names of the
 * tools that will be registered when it runs.
 */
export function checkPipeline(json: unknown, tools: ReadonlySet<string>): PipelineCheck {
  const parsed = pipelineSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        code: 'AGENT_PIPELINE_INVALID',
        path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
        message: `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`,
      })),
    };
  }
  const pipeline = parsed.data;
  const problems: PipelineProblem[] = [];
  const nodes = new Map<string, PipelineNode>();
  pipeline.agents.forEach((node, i) => {
    if (nodes.has(node.name)) {
      problems.push({
        code: 'AGENT_PIPELINE_INVALID',
        path: ['agents', i, 'name'],
        message: `Two agents are named "${node.name}": names must be unique.`,
      });
    }
    nodes.set(node.name, node);
  });
  const unknown = (name: string, path: PipelineProblem['path'], role: string) => {
    if (nodes.has(name)) return false;
    problems.push({
      code: 'AGENT_UNKNOWN_AGENT',
      path,
      message: `${role} "${name}" is not an agent of this pipeline (it has ${[...nodes.keys()].join(', ')}).`,
    });
    return true;
  };
  unknown(pipeline.entry, ['entry'], 'The entry');
  pipeline.agents.forEach((node, i) => {
    if (isFanOut(node)) {
      node.branches.forEach((b, j) =>
        unknown(b, ['agents', i, 'branches', j], `Fan-out "${node.name}" branch`),
      );
      if (!unknown(node.merge, ['agents', i, 'merge'], `Fan-out "${node.name}" merge`)) {
        if (isFanOut(nodes.get(node.merge)!)) {
          problems.push({
            code: 'AGENT_PIPELINE_INVALID',
            path: ['agents', i, 'merge'],
            message: `Fan-out "${node.name}" merges with "${node.merge}", another fan-out: the merge step must be an agent.`,
          });
        }
      }
      return;
    }
    checkAgent(node, i, tools, problems, unknown);
  });
  if (problems.length === 0) problems.push(...circles(pipeline, nodes));
  return problems.length ? { ok: false, problems } : { ok: true, pipeline };
}

function checkAgent(
  agent: AgentSpec,
  i: number,
  tools: ReadonlySet<string>,
  problems: PipelineProblem[],
  unknown: (name: string, path: PipelineProblem['path'], role: string) => boolean,
) {
  agent.handoffs.forEach((h, j) => unknown(h, ['agents', i, 'handoffs', j], `"${agent.name}" hands off to`));
  agent.agentTools.forEach((a, j) => unknown(a, ['agents', i, 'agentTools', j], `"${agent.name}" calls`));
  const callable = new Set<string>();
  agent.tools.forEach((tool, j) => {
    if (!tools.has(tool)) {
      problems.push({
        code: 'AGENT_TOOL_MISSING',
        path: ['agents', i, 'tools', j],
        message: `"${agent.name}" uses the tool "${tool}", which is not registered (registered: ${[...tools].join(', ') || 'none'}).`,
      });
    }
    if (/^(transfer_to|ask)_/.test(tool)) {
      problems.push({
        code: 'AGENT_PIPELINE_INVALID',
        path: ['agents', i, 'tools', j],
        message: `Tool names starting with transfer_to_ or ask_ are kept for handoffs and agents called as tools; rename "${tool}".`,
      });
    }
    callable.add(tool);
  });
  for (const h of agent.handoffs) callable.add(handoffToolName(h));
  for (const a of agent.agentTools) callable.add(agentToolName(a));
  const choice = agent.model?.toolChoice;
  if (choice && typeof choice === 'object' && !callable.has(choice.tool)) {
    problems.push({
      code: 'AGENT_TOOL_MISSING',
      path: ['agents', i, 'model', 'toolChoice', 'tool'],
      message: `"${agent.name}" must call "${choice.tool}", which is not one of its tools (${[...callable].join(', ') || 'none'}).`,
    });
  }
  if (choice !== undefined && choice !== 'auto' && choice !== 'none' && callable.size === 0) {
    problems.push({
      code: 'AGENT_TOOL_MISSING',
      path: ['agents', i, 'model', 'toolChoice'],
      message: `"${agent.name}" must call a tool but has none.`,
    });
  }
}

/** An agent that is made to call a tool on every turn can never give the final answer itself. */
export function canAnswer(node: PipelineNode): boolean {
  if (isFanOut(node)) return false;
  const choice = node.model?.toolChoice ?? 'auto';
  const forced = choice === 'required' || typeof choice === 'object';
  return !forced || node.model?.resetToolChoice !== false;
}

function circles(pipeline: Pipeline, nodes: Map<string, PipelineNode>): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const index = new Map(pipeline.agents.map((node, i) => [node.name, i]));

  // Nested calls (agents as tools, fan-out branches) wait for their callee: a circle never returns.
  const calls = (node: PipelineNode) => (isFanOut(node) ? node.branches : node.agentTools);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    state.set(name, 'open');
    stack.push(name);
    for (const next of calls(nodes.get(name)!)) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of nodes.keys()) {
    if (state.has(name)) continue;
    const circle = visit(name);
    if (circle) {
      problems.push({
        code: 'AGENT_PIPELINE_CYCLE',
        path: ['agents', index.get(circle[0]!)!],
        message: `Agents call each other as tools in a circle (${circle.join(' → ')}): a nested call would never return. Use a handoff instead.`,
      });
      break;
    }
  }

  // Handoffs (and a fan-out's move to its merge step): every agent must be able to reach one that answers.
  const onward = (node: PipelineNode) => (isFanOut(node) ? [node.merge] : node.handoffs);
  const answers = new Set([...nodes.values()].filter(canAnswer).map((n) => n.name));
  for (let grew = true; grew;) {
    grew = false;
    for (const node of nodes.values()) {
      if (!answers.has(node.name) && onward(node).some((next) => answers.has(next))) {
        answers.add(node.name);
        grew = true;
      }
    }
  }
  for (const node of nodes.values()) {
    if (answers.has(node.name)) continue;
    const path = [node.name];
    for (let next = onward(node)[0]; next && !path.includes(next); next = onward(nodes.get(next)!)[0])
      path.push(next);
    const loop = onward(nodes.get(path[path.length - 1]!)!)[0];
    problems.push({
      code: 'AGENT_PIPELINE_CYCLE',
      path: ['agents', index.get(node.name)!],
      message:
        `"${node.name}" can never reach an answer: ${[...path, ...(loop ? [loop] : [path[path.length - 1]!])].join(' → ')} ` +
        `must call a tool on every turn (toolChoice without resetToolChoice) and none of them may answer. ` +
        `Let one of them answer (resetToolChoice: true, or toolChoice 'auto').`,
    });
    break;
  }
  return problems;
}
