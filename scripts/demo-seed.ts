/**
 * What `npm start` puts on its embedded fine-tuning server for a new user: a `training` key for the browser
 * (never a full one) and the demo model's fixture adapter, published so the user can sync it and see the
 * answer change. The app's end-to-end tests seed their own server the same way.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../server/config.ts';
import { publishAdapterFolder } from '../server/jobs/publish.ts';
import type { Services } from '../server/services.ts';
import type { AdapterManifest } from '../src/core/adapter-manifest.ts';

export const DEMO_PROJECT = 'default';
export const DEMO_MODEL = 'hearth-demo/tiny-llama-chat';
/** The tiny LoRA the engine tests use: trained to make the demo model answer in upper case. */
export const DEMO_ADAPTER = {
  name: 'demo-upper',
  dir: join(REPO_ROOT, 'tests/fixtures/adapters/upper-r8'),
} as const;

/** Publishes the demo adapter (once: an unchanged fixture is not published again). */
export function publishDemoAdapter(services: Services): Promise<AdapterManifest> {
  return publishAdapterFolder(services, {
    project: DEMO_PROJECT,
    name: DEMO_ADAPTER.name,
    baseModel: DEMO_MODEL,
    dir: DEMO_ADAPTER.dir,
  });
}
