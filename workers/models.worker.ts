import { exposeApi } from '../src/core/rpc/index.ts';
import { chooseDevice } from '../src/engines/ort-setup/index.ts';
import { MODELS_METHODS, ModelsService } from '../src/models/index.ts';

exposeApi(new ModelsService({ chooseAutoDevice: () => chooseDevice('auto') }), MODELS_METHODS);
