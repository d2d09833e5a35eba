import { Agent, RunState, run, tool } from '@openai/agents-core';
import { z } from 'zod';
import { HearthModel } from '../../../src/interop/openai-agents/index.ts';
import type { HearthChatSource } from '../../../src/interop/openai-agents/index.ts';

/** What an app uses of agents-core: agents with tools, handoffs, a run, a RunState kept and read back. */
export async function runAgent(chat: HearthChatSource) {
  const model = new HearthModel(chat);
  const weather = tool({
    name: 'get_weather',
    description: 'Weather in a city.',
    parameters: z.object({ city: z.string() }),
    needsApproval: true,
    execute: async ({ city }) => `sunny in ${city}`,
  });
  const specialist = new Agent({ name: 'weather', instructions: 'Report weather.', model, tools: [weather] });
  const triage = new Agent({ name: 'triage', instructions: 'Route.', model, handoffs: [specialist] });
  const result = await run(triage, 'Weather in Oslo?', { stream: true });
  await result.completed;
  return RunState.fromString(triage, result.state.toString());
}
