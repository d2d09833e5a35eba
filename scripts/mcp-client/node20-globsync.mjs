/**
 * The conformance suite 0.1.16 imports `globSync` from `fs`, which Node has only from 22 on, and
 * uses it only in its `tier-check` command. On Node 20 this preload (`node --import`) hands the
 * suite an `fs` with a `globSync` that says so; on Node 22 and later it does nothing.
 */
import fs from 'node:fs';
import { register } from 'node:module';

if (!('globSync' in fs)) register('./node20-globsync-hooks.mjs', import.meta.url);
// The suite starts the client under test with this environment: that client needs no hook.
delete process.env.NODE_OPTIONS;
