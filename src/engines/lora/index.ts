export { parseAdapterConfig, type AdapterConfig } from './adapter-config.ts';
export { parseAdapterRef, type AdapterRef } from './adapter-ref.ts';
export { preparePeftAdapter, type AdapterModule, type PreparedAdapter } from './peft.ts';
export { AdapterRegistry, zeroAdapterFeeds, type AdapterInfo, type LoraTensorFactory } from './registry.ts';
export { rewriteForLora, type RewriteResult } from './rewrite.ts';
export { moduleName, parseProjectionName, PROJECTIONS, type LoraTarget, type Projection } from './targets.ts';
