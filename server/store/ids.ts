/** Random, URL-safe ids with OpenAI-style prefixes (`file-`, `ftjob-`, ...). */
import { randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(15).toString('base64url').replaceAll('-', 'x').replaceAll('_', 'y')}`;
}
