import { describe, expect, it } from 'vitest';
import { chatModelConfig, embedderConfig } from '../../../src/ui/hearth-instance.ts';
import {
  defaultModelChoice,
  MODEL_CHOICE_KEY,
  readModelChoice,
  updateModelChoice,
} from '../../../src/ui/model-choice.ts';
import { listCatalog } from '../../../src/runtime/index.ts';

/** A Storage over a Map: stands in for the browser's localStorage, which Node lacks. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

describe('the model choice', () => {
  it('starts with the bundled demo models on auto', () => {
    expect(readModelChoice(memoryStorage())).toEqual(defaultModelChoice);
  });

  it('keeps a change and reads it back', () => {
    const storage = memoryStorage();
    updateModelChoice({ device: 'wasm', mirror: 'http://127.0.0.1:9/' }, storage);
    updateModelChoice({ chatModel: 'onnx-community/Qwen2.5-0.5B-Instruct' }, storage);
    expect(readModelChoice(storage)).toEqual({
      ...defaultModelChoice,
      chatModel: 'onnx-community/Qwen2.5-0.5B-Instruct',
      device: 'wasm',
      mirror: 'http://127.0.0.1:9/',
    });
  });

  it('forgets the mirror when the field is emptied', () => {
    const storage = memoryStorage();
    updateModelChoice({ mirror: 'https://mirror.example/' }, storage);
    updateModelChoice({ mirror: '' }, storage);
    expect(readModelChoice(storage).mirror).toBeUndefined();
  });

  it('refuses a mirror that is not a web address, and keeps the old choice', () => {
    const storage = memoryStorage();
    updateModelChoice({ device: 'webgpu' }, storage);
    expect(() => updateModelChoice({ mirror: 'not a url' }, storage)).toThrow();
    expect(readModelChoice(storage)).toEqual({ ...defaultModelChoice, device: 'webgpu' });
  });

  it('falls back to the defaults on a value edited by hand', () => {
    const storage = memoryStorage();
    storage.setItem(MODEL_CHOICE_KEY, '{"device":"cuda"');
    expect(readModelChoice(storage)).toEqual(defaultModelChoice);
    storage.setItem(MODEL_CHOICE_KEY, JSON.stringify({ ...defaultModelChoice, device: 'cuda' }));
    expect(readModelChoice(storage)).toEqual(defaultModelChoice);
  });
});

describe('what the app loads from the choice', () => {
  const catalog = listCatalog();
  // hearth-instance resolves relative catalog URLs against the page.
  (globalThis as { location?: { href: string } }).location ??= { href: 'http://127.0.0.1:4173/app/' };

  it('loads the demo chat model from the app and the chosen device', () => {
    const config = chatModelConfig(catalog, { ...defaultModelChoice, device: 'wasm' });
    expect(config).toMatchObject({
      backend: 'ort',
      device: 'wasm',
      model: {
        baseUrl: 'http://127.0.0.1:4173/models',
        modelId: 'hearth-demo/tiny-llama-chat',
        revision: 'main',
      },
    });
  });

  it('loads a hub model from its own server, or from the mirror when one is set', () => {
    const choice = { ...defaultModelChoice, chatModel: 'onnx-community/Qwen2.5-0.5B-Instruct' };
    expect(chatModelConfig(catalog, choice).model.baseUrl).toBe('https://huggingface.co/');
    const mirrored = { ...choice, mirror: 'http://127.0.0.1:9/' };
    expect(chatModelConfig(catalog, mirrored).model.baseUrl).toBe('http://127.0.0.1:9/');
    expect(embedderConfig(catalog, mirrored)).toEqual({
      model: { baseUrl: 'http://127.0.0.1:9/', modelId: 'hearth-demo/tiny-embed', revision: 'main' },
      device: 'auto',
    });
  });
});
