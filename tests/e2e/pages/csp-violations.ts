import { config } from 'zod/v4/core';

// Collects every Content-Security-Policy violation of the page, for the spec to read.
const seen: string[] = [];
(globalThis as { __violations?: string[] }).__violations = seen;
document.addEventListener('securitypolicyviolation', (e) =>
  seen.push(`${e.violatedDirective}: ${e.sourceFile}:${e.lineNumber}`),
);

// What a page under a CSP without 'unsafe-eval' does first: zod feature-tests `new Function` when it builds
// its first object schema (a caught error, but a reported violation); jitless tells it not to try.
config({ jitless: true });
