import { describe, expect, it } from 'vitest';
import type { A2AAgentCard, AgentTool, ToolContext } from '../../../src/agent/index.ts';
import { conversational } from '../../../src/ui/agents/remote/a2a-tool.ts';

const card: A2AAgentCard = {
  name: 'Weather',
  description: 'Knows the weather everywhere, in great and lengthy detail.',
  version: '1',
  protocolVersion: '1.0',
  binding: 'JSONRPC',
  endpoint: 'https://agent.example/rpc',
  streaming: true,
  skills: [{ id: 'w', name: 'Forecast', description: 'Forecasts', tags: [], examples: [] }],
  inputModes: [],
  outputModes: [],
};

/** Stands in for the bridge's tool (outside this unit): records what it is sent, answers from a script. */
function bridgeTool(answers: Array<Record<string, unknown>>) {
  const sent: unknown[] = [];
  const tool: AgentTool = {
    name: 'a2a_weather',
    description: 'long',
    parameters: { jsonSchema: {}, parse: (input) => ({ success: true, data: input }) },
    execute: async (args) => {
      sent.push(args);
      return answers.shift();
    },
    source: { kind: 'a2a', agent: 'Weather' },
  };
  return { tool, sent };
}

const context = (runId: string) => ({ runId }) as ToolContext;

describe('an A2A agent as the app offers it to a model', () => {
  it('asks only for the message, bounded by the person’s setting', () => {
    const { tool } = bridgeTool([]);
    const offered = conversational(tool, card, { askFirst: false, maxMessage: 24 });
    expect(offered.description).toBe('Asks the remote agent "Weather" (skills: Forecast).');
    expect(offered.parameters.jsonSchema).toEqual({
      type: 'object',
      properties: { message: { type: 'string', minLength: 1, maxLength: 24 } },
      required: ['message'],
      additionalProperties: false,
    });
    expect(offered.parameters.parse({ message: 'Oslo?' })).toEqual({
      success: true,
      data: { message: 'Oslo?' },
    });
    expect(offered.parameters.parse({ message: 'x'.repeat(25) }).success).toBe(false);
    expect(offered.parameters.parse({ message: 'Oslo?', task_id: 'made-up' }).success).toBe(false);
    expect(offered.parameters.parse({ message: '' }).success).toBe(false);
    expect(offered.source).toEqual(tool.source);
  });

  it('keeps the exchange for the model: a question is answered, a conversation goes on, per run', async () => {
    const { tool, sent } = bridgeTool([
      { state: 'input-required', text: 'Which city?', task_id: 't1', context_id: 'c1', next: 'long' },
      { state: 'completed', text: 'Sunny', task_id: 't1', context_id: 'c1' },
      { state: 'completed', text: 'Rain', task_id: 't2', context_id: 'c1' },
      { state: 'completed', text: 'Snow', task_id: 't3', context_id: 'c9' },
    ]);
    const offered = conversational(tool, card, { askFirst: false, maxMessage: 100 });
    expect(await offered.execute({ message: 'Weather?' }, context('run-1'))).toEqual({
      state: 'input-required',
      text: 'Which city?',
      next: 'The agent waits for your answer: call this tool again with it as the message.',
    });
    expect(await offered.execute({ message: 'Oslo' }, context('run-1'))).toEqual({
      state: 'completed',
      text: 'Sunny',
    });
    await offered.execute({ message: 'Tomorrow?' }, context('run-1'));
    await offered.execute({ message: 'Weather?' }, context('run-2'));
    expect(sent).toEqual([
      { message: 'Weather?' },
      { message: 'Oslo', task_id: 't1', context_id: 'c1' },
      { message: 'Tomorrow?', context_id: 'c1' },
      { message: 'Weather?' },
    ]);
  });
});
