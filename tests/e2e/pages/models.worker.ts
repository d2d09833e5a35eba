import { exposeApi } from '../../../src/core/rpc/index.ts';
import { ModelsHarnessService } from './models-service.ts';

exposeApi(new ModelsHarnessService(), [
  'where',
  'ensure',
  'status',
  'list',
  'remove',
  'readSha256',
  'estimate',
]);
