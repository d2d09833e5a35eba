import { exposeApi } from '../src/core/rpc/index.ts';
import { LLM_METHODS } from '../src/engines/llm/service.ts';
import { createBrowserLlmService } from './llm-service.ts';

exposeApi(createBrowserLlmService(), LLM_METHODS);
