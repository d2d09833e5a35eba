import { connectMcpServer } from '../src/agent/mcp/index.ts';
import { startCuttingProxy } from './support/mcp/cutting-proxy.ts';
import { startEverything } from './support/mcp/everything.ts';
import { toolContext } from './support/mcp/tool-context.ts';
const ev = await startEverything();
const proxy = await startCuttingProxy(ev.url, 'trigger-long-running-operation', 'notifications/progress');
const c = await connectMcpServer({ id: 'ref', url: proxy.url, timeoutMs: 8000 });
c.subscribe((e) => console.log('event', e.type, e.type === 'state' ? e.state.status : '', e.type==='warning'? e.error.message: ''));
const tool = c.tools().find((t) => t.name === 'ref__trigger-long-running-operation')!;
const ctx = toolContext();
try { console.log(await tool.execute({ duration: 1.5, steps: 3 }, ctx)); } catch (e) { console.log('ERR', (e as Error).message); }
console.log(proxy.seen, ctx.progressed);
await c.close(); await proxy.close(); await ev.stop();
