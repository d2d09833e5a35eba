import { z } from 'zod';
import { installTrustedTypesPolicy } from './ui/shell/trusted-types.ts';
import { applyTheme, storedTheme } from './ui/shell/theme.ts';
import { eraseIfRequested } from './ui/device/erase-request.ts';
import { finishMcpSignIn, isSignInReturn } from './ui/agents/remote/mcp-sign-in.ts';

// Before any component renders: the policy must exist before the first worker starts, and the
// stored theme before the first paint. zod would otherwise probe `new Function` once, which a
// Trusted Types CSP reports as a violation although zod catches the refusal.
installTrustedTypesPolicy();
// "Delete all my data" asked for on the last load: erased before any view opens a store.
await eraseIfRequested();
z.config({ jitless: true });
applyTheme(storedTheme());
// Back from an MCP server's sign-in page (`?code=…&state=…`): finished before any view opens.
if (isSignInReturn()) await finishMcpSignIn();
await import('./ui/app-shell.ts');
