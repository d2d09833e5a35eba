import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveFolders, type StaticServer } from './library/static-server.ts';
import {
  examplePath,
  interopExamplePath,
  prepareScratchProject,
  repoRoot,
  type ScratchProject,
} from './library/scratch-project.ts';

// The packed library as a consumer meets it: installed from its tarball, typechecked, bundled by a
// default Vite app, and loaded unbundled through an import map; both pages run the README's example.
test.describe.configure({ mode: 'serial', timeout: 240_000 });

interface Reference {
  fp32: { text: string };
}
const reference = JSON.parse(
  readFileSync(join(repoRoot, 'tests/fixtures/reference/tiny-llama-chat.json'), 'utf8'),
) as Reference;
// The example asks for 20 greedy tokens, as many as the PyTorch reference holds.
const expectedAnswer = reference.fp32.text.split('<|im_end|>')[0];
const models = join(repoRoot, 'public/models');

let project: ScratchProject;
const servers: StaticServer[] = [];

test.beforeAll(async () => {
  test.setTimeout(240_000);
  project = prepareScratchProject();
});

test.afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  if (project) await rm(project.dir, { recursive: true, force: true });
});

async function answerOn(page: Page, url: string): Promise<string> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page
    .waitForFunction(() => (document.body.textContent ?? '').trim().length > 0, undefined, {
      timeout: 90_000,
    })
    .catch((error: Error) => {
      throw new Error(`no answer: ${errors.join('; ') || error.message}`);
    });
  return page.evaluate(() => document.body.textContent ?? '');
}

test('the tarball carries the library build: workers and WASM as files, no script over 2 MB', () => {
  const files = project.packed.map((file) => file.path);
  expect(files).toContain('dist/lib/index.js');
  expect(files).toContain('dist/lib/types/index.d.ts');
  for (const subpath of ['openai-agents', 'ai-sdk']) {
    expect(files).toContain(`dist/lib/${subpath}.js`);
    expect(files).toContain(`dist/lib/types/${subpath}.d.ts`);
  }
  expect(files.some((file) => /^dist\/lib\/assets\/llm\.worker-[\w-]+\.js$/.test(file))).toBe(true);
  expect(files.some((file) => /^dist\/lib\/assets\/embed\.worker-[\w-]+\.js$/.test(file))).toBe(true);
  expect(files.filter((file) => file.endsWith('.wasm')).length).toBeGreaterThanOrEqual(2);
  expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  // Nothing outside the library (app, server, tests) is shipped.
  expect(
    files.filter((file) => !/^(dist\/lib\/|README\.md$|CHANGELOG\.md$|package\.json$)/.test(file)),
  ).toEqual([]);
  const scripts = project.packed.filter((file) => /\.m?js$/.test(file.path));
  expect(scripts.filter((file) => file.size > 2 * 1024 * 1024)).toEqual([]);
  // No base64-inlined binary: the largest script stays far below the smallest onnxruntime .wasm (14 MB).
  expect(Math.max(...scripts.map((file) => file.size))).toBeLessThan(2 * 1024 * 1024);
});

test('a default Vite 8 app that imports the package chats with the demo model', async ({ page }) => {
  const server = await serveFolders({ '/': project.viteDist, '/models': models });
  servers.push(server);
  expect(await answerOn(page, `${server.url}/`)).toBe(expectedAnswer);
  // The app's own bundle fetched the model from this server, and no file came from outside it.
  expect(server.requested.some((path) => path.startsWith('/models/hearth-demo/tiny-llama-chat/'))).toBe(true);
});

test('dist/lib loaded unbundled through an import map chats with the demo model', async ({ page }) => {
  const server = await serveFolders({
    '/': project.importMapPage,
    '/lib': project.installedLib,
    '/models': models,
  });
  servers.push(server);
  expect(await answerOn(page, `${server.url}/`)).toBe(expectedAnswer);
  // The library's own files ran: its entry and its LLM worker, found beside it. The 4-bit demo model on WASM
  // runs on Hearth's decoder, whose kernels are part of the worker's code; onnxruntime's .wasm (in the
  // tarball: see above) is fetched only where onnxruntime runs a model.
  expect(server.requested).toContain('/lib/index.js');
  expect(server.requested.some((path) => /^\/lib\/assets\/llm\.worker-[\w-]+\.js$/.test(path))).toBe(true);
  expect(
    server.requested.filter(
      (path) => !/^\/(?:lib|models)\/|^\/(?:|index\.html|example\.js|favicon\.ico)$/.test(path),
    ),
  ).toEqual([]);
});

test('a Vite app bundling the subpaths runs an OpenAI Agents JS agent and the AI SDK on the demo model', async ({
  page,
}) => {
  const server = await serveFolders({ '/': project.interopDist, '/models': models });
  servers.push(server);
  const answers = JSON.parse(await answerOn(page, `${server.url}/`)) as { agent: unknown; aiSdk: unknown };
  // The tiny model's words are not checked: only that each library got its answer from it.
  expect(answers).toEqual({ agent: expect.any(String), aiSdk: expect.any(String) });
  expect(server.requested.some((path) => path.startsWith('/models/hearth-demo/tiny-llama-chat/'))).toBe(true);
});

test('the README shows exactly the examples these pages run', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  for (const path of [examplePath, interopExamplePath]) {
    expect(readme).toContain('```ts\n' + readFileSync(path, 'utf8') + '```');
  }
});
