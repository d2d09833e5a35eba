import { exposeApi } from '../src/core/rpc/index.ts';
import { PROBE_METHODS, ProbeService } from '../src/engines/device/probe-service.ts';

exposeApi(new ProbeService(), PROBE_METHODS);
