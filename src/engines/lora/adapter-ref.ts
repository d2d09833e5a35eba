import { HearthError } from '../../core/errors.ts';

/** `name@version`: adapters are immutable, so a ref always means the same weights. */
const REF = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})$/;

export interface AdapterRef {
  name: string;
  version: string;
}

export function parseAdapterRef(ref: string): AdapterRef {
  const match = REF.exec(ref);
  if (!match) {
    throw new HearthError(
      'ADAPTER_REF_INVALID',
      `"${ref}" is not an adapter reference; use name@version, e.g. support-bot@3.`,
    );
  }
  return { name: match[1]!, version: match[2]! };
}
