/**
 * A `training` key (the one a browser holds) sees only the files and jobs it made itself, so one person's
 * browser cannot read or cancel another's jobs in the same project. Wider keys see the whole project.
 */
import type { Principal } from './keys.ts';

/** The key id rows must have been made by, or undefined when the key sees every row of its project. */
export const ownRowsOnly = (principal: Principal): string | undefined =>
  principal.scope === 'training' ? principal.keyId : undefined;
