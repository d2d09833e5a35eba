import { exposeApi } from '../../../src/core/rpc/index.ts';
import { ENGINE_SESSION_METHODS, SharedLlmEngine } from '../../../src/engines/llm/shared/index.ts';
import { createBrowserLlmService } from '../../../workers/llm-service.ts';

// The leader tab's engine: a dedicated worker that serves a session on every port the broker hands it.
const engine = new SharedLlmEngine(createBrowserLlmService());
self.onmessage = ({ ports }: MessageEvent) => exposeApi(engine.session(), ENGINE_SESSION_METHODS, ports[0]!);
