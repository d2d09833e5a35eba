import { exposeApi } from '../src/core/rpc/index.ts';
import { MODELS_METHODS, ModelsService } from '../src/runtime/models-service.ts';

const service = new ModelsService();
exposeApi(Object.fromEntries(MODELS_METHODS.map((name) => [name, service[name].bind(service)])));
