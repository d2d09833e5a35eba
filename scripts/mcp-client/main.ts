/**
 * `npm run -s mcp-client -- [options] <server URL>`: a command-line MCP client on the same bridge the
 * browser uses (src/agent/mcp). It connects, lists the server's tools, prompts and resources, and
 * calls a tool when asked. Run by the MCP conformance suite (which appends the URL and names the
 * scenario in MCP_CONFORMANCE_SCENARIO). Prebuilt to one JavaScript file: npm run build:mcp-client.
 */
import { parseArgs } from 'node:util';
import { isHearthError } from '../../src/core/errors.ts';
import { connectMcpServer } from '../../src/agent/mcp/connect.ts';
import { McpOAuthProvider } from '../../src/agent/mcp/oauth/provider.ts';
import { memoryOAuthStore } from '../../src/agent/mcp/oauth/record.ts';
import type { McpServerConfig } from '../../src/agent/mcp/types.ts';
import { scenarioPlan, type ScenarioPlan } from './conformance.ts';
import { headlessAuthorize } from './headless-oauth.ts';

const usage = `usage: mcp-client [options] <server URL>
  --id <id>            namespace of the server's tools (default: "server")
  --token <token>      send Authorization: Bearer <token> (otherwise OAuth is offered when the server asks)
  --transport <kind>   auto (default), streamable-http or sse
  --call <tool>        call this tool (its name on the server) after listing
  --args <json>        the tool's arguments (default {})
  --prompt <name>      get this prompt (arguments from --args)
  --read <uri>         read this resource
  --timeout <ms>       per-call timeout (default 60000)
  --quiet              print only results and errors`;

const REDIRECT_URL = 'http://localhost:3000/callback';

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: 'string', default: 'server' },
      token: { type: 'string' },
      transport: { type: 'string', default: 'auto' },
      call: { type: 'string' },
      args: { type: 'string', default: '{}' },
      prompt: { type: 'string' },
      read: { type: 'string' },
      timeout: { type: 'string', default: '60000' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) fail(usage, 0);
  const url = positionals.at(-1);
  if (!url) fail(usage, 2);
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO;
  const plan: ScenarioPlan = scenario ? scenarioPlan(scenario, process.env.MCP_CONFORMANCE_CONTEXT) : {};
  const log = (line: string) => values.quiet || console.error(line);
  if (!['auto', 'streamable-http', 'sse'].includes(values.transport))
    fail(`--transport: ${values.transport}?\n${usage}`, 2);

  const config: McpServerConfig = {
    id: values.id,
    url,
    transport: values.transport as McpServerConfig['transport'],
    timeoutMs: Number(values.timeout),
    auth: values.token ? { kind: 'bearer', token: values.token } : { kind: 'oauth' },
  };
  const oauth = values.token
    ? undefined
    : new McpOAuthProvider({
        store: memoryOAuthStore(),
        redirectUrl: REDIRECT_URL,
        clientName: 'hearth-mcp-client',
        ...(plan.client ? { clientId: plan.client.id, clientSecret: plan.client.secret } : {}),
        ...(plan.clientMetadataUrl ? { clientMetadataUrl: plan.clientMetadataUrl } : {}),
        authorize: headlessAuthorize(REDIRECT_URL, log),
      });
  const connection = await connectMcpServer(config, {
    ...(oauth ? { oauth } : {}),
    clientInfo: { name: 'hearth-mcp-client', version: '0.1.0' },
    ...(plan.acceptElicitation ? { onElicit: async () => ({ action: 'accept' as const, content: {} }) } : {}),
  });
  try {
    const state = connection.state;
    if (state.status === 'connected') log(`connected: ${state.transport}, protocol ${state.protocolVersion}`);
    for (const tool of connection.tools())
      log(`tool ${tool.name}${tool.needsApproval ? ' (asks first)' : ''}`);
    for (const problem of connection.toolProblems()) log(`tool ${problem.tool} left out: ${problem.reason}`);
    for (const prompt of connection.prompts()) log(`prompt ${prompt.name}`);
    for (const resource of connection.resources()) log(`resource ${resource.uri}`);

    const args = JSON.parse(values.args) as Record<string, unknown>;
    const call = values.call ? { tool: values.call, args } : plan.call;
    if (call) {
      const tool = connection
        .tools()
        .find((t) => t.name === `${config.id}__${call.tool}` || t.name === call.tool);
      if (!tool) fail(`The server offers no usable tool "${call.tool}".`);
      const checked = tool.parameters.parse(call.args);
      if (!checked.success) fail(checked.error);
      const controller = new AbortController();
      const result = await tool.execute(checked.data, {
        signal: controller.signal,
        runId: 'cli',
        callId: 'call-1',
        progress: (p) => log(`progress ${p.loaded ?? ''}/${p.total ?? '?'} ${p.message ?? ''}`.trim()),
        startSpan: () => ({ setAttributes: () => undefined, end: () => undefined }),
      });
      console.log(JSON.stringify(result));
    }
    if (values.prompt)
      console.log(JSON.stringify(await connection.getPrompt(values.prompt, args as Record<string, string>)));
    if (values.read) console.log(JSON.stringify(await connection.readResource(values.read)));
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(isHearthError(error) ? `${error.code}: ${error.message}` : String(error)),
);
