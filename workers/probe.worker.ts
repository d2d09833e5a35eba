import { exposeApi } from '../src/core/rpc/index.ts';
import { ProbeService } from '../src/engines/device/probe-service.ts';

exposeApi(new ProbeService());
