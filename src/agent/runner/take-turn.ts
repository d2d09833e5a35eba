/**
 * A local agent's turn in the loop: one model call (runModelTurn) with its span, usage and events. A turn
 * without tool calls is the run's answer; otherwise its calls become the run's next step.
 */
import type { ChatMessage, ToolChoice } from '../../engines/llm/contract.ts';
import type { ThreadItem } from '../items.ts';
import { toMessages } from '../items.ts';
import { DEFAULT_PREAMBLE, type AgentSpec } from '../pipeline/schema.ts';
import { allRepeatable, buildStep } from './build-step.ts';
import { runModelTurn } from './model-turn.ts';
import type { RunContext } from './run-context.ts';
import type { Callable } from './toolbox.ts';

/** One model call; true when it gave the final answer. */
export async function takeTurn(ctx: RunContext, agent: AgentSpec): Promise<boolean> {
  const { run, trace } = ctx;
  const callable = ctx.toolbox.callable(agent.name);
  const toolChoice = chooseTool(ctx, agent, callable);
  const messages: ChatMessage[] = [
    { role: 'system', content: run.pipeline.preamble ?? DEFAULT_PREAMBLE },
    ...toMessages(ctx.items),
  ];
  const span = trace.start(`chat ${agent.name}`, 'model', run.agentSpanId, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.agent.name': agent.name,
    'hearth.turn': run.turns + 1,
    'hearth.prompt.messages': messages.length,
    ...(agent.adapter ? { 'hearth.adapter': agent.adapter } : {}),
    ...(agent.model?.temperature !== undefined
      ? { 'gen_ai.request.temperature': agent.model.temperature }
      : {}),
  });
  let turn;
  try {
    turn = await runModelTurn(ctx.deps.model, {
      agent,
      messages,
      tools: ctx.toolbox.functionTools(agent.name),
      toolChoice,
      signal: ctx.deps.signal,
      onDelta: (delta) => ctx.emit({ type: 'text_delta', agent: agent.name, delta }),
    });
  } catch (error) {
    trace.end(span, error);
    throw error;
  }
  const { usage } = turn;
  run.turns++;
  const total = run.usage;
  total.prompt_tokens += usage.prompt_tokens;
  total.completion_tokens += usage.completion_tokens;
  total.total_tokens += usage.total_tokens;
  total.cached_prompt_tokens += usage.cached_prompt_tokens;
  total.model_calls++;
  trace.end(span, undefined, {
    'gen_ai.response.model': turn.model,
    'gen_ai.response.finish_reasons': turn.finishReason,
    'gen_ai.usage.input_tokens': usage.prompt_tokens,
    'gen_ai.usage.output_tokens': usage.completion_tokens,
    'hearth.usage.cached_prompt_tokens': usage.cached_prompt_tokens,
    'hearth.ttft_ms': usage.timings.ttft_ms,
    'hearth.prefill_tok_s': usage.timings.prefill_tok_s,
    'hearth.decode_tok_s': usage.timings.decode_tok_s,
    'hearth.tool_calls': turn.toolCalls.length,
  });
  const assistant: ThreadItem = {
    type: 'assistant',
    agent: agent.name,
    text: turn.text || (turn.toolCalls.length ? null : ''),
    toolCalls: turn.toolCalls,
    usage,
    ...(agent.adapter ? { adapter: agent.adapter } : {}),
  };
  ctx.items.push(assistant);
  ctx.emit({
    type: 'turn_finished',
    agent: agent.name,
    turn: run.turns,
    text: assistant.text,
    toolCalls: turn.toolCalls.map((c) => ({
      callId: c.id,
      tool: c.function.name,
      arguments: c.function.arguments,
    })),
    usage,
    ...(agent.adapter ? { adapter: agent.adapter } : {}),
  });
  const append = ctx.append([assistant]);
  if (turn.toolCalls.length === 0) {
    run.output = turn.text;
    run.status = 'completed';
    ctx.endAgentSpan();
    ctx.endRunSpan();
    await ctx.commit({ append });
    ctx.emitFinished();
    return true;
  }
  if (toolChoice !== 'auto' && toolChoice !== 'none') run.toolChoiceReset = true;
  const fresh = await buildStep(ctx, agent, turn.toolCalls);
  // A step whose calls are all safe to repeat needs no write before they run: a crash meanwhile
  // only repeats the model turn and those calls. Its turn and results are written together.
  if (allRepeatable(ctx, run.step!)) ctx.deferred.push(assistant);
  else await ctx.commit({ append });
  for (const interruption of fresh) ctx.emit({ type: 'approval_requested', interruption });
  return false;
}

function chooseTool(ctx: RunContext, agent: AgentSpec, callable: Map<string, Callable>): ToolChoice {
  if (callable.size === 0) return 'none';
  const choice = agent.model?.toolChoice ?? 'auto';
  if (choice === 'auto' || choice === 'none') return choice;
  if (ctx.run.toolChoiceReset && agent.model?.resetToolChoice !== false) return 'auto';
  const named = (name: string): ToolChoice => ({ type: 'function', function: { name } });
  if (typeof choice === 'object') return named(choice.tool);
  // The prompt may list the whole pipeline's tools: with one tool of its own, name it, so a forced
  // call cannot land on another agent's tool.
  if (callable.size === 1 && (ctx.deps.promptTools ?? 'pipeline') === 'pipeline')
    return named([...callable.keys()][0]!);
  return 'required';
}
