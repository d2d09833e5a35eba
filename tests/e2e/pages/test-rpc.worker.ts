import { exposeApi } from '../../../src/core/rpc/index.ts';
import { TEST_RPC_METHODS, TestRpcService } from '../../support/test-rpc-service.ts';

exposeApi(new TestRpcService(), TEST_RPC_METHODS);
