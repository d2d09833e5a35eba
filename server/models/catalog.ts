/**
 * The base models this server can fine-tune: every Llama-family model in the hub layout under the models
 * folder (`<org>/<name>/resolve/main/`), the bundled demo model among them. The id is `<org>/<name>`, the
 * same id the browser catalog uses, so an adapter's `base_model` names the model on both sides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createChatTokens } from '../datasets/chat-tokens.ts';

const FINE_TUNABLE_MODEL_TYPES = new Set(['llama', 'mistral', 'qwen2', 'qwen3']);

export interface BaseModel {
  id: string;
  dir: string;
  created: number;
  /** Longest example, in tokens, the model can train on. */
  maxTokens: number;
}

export interface ChatExample {
  messages: Array<Record<string, unknown>>;
  tools?: unknown;
}

export class ModelCatalog {
  private readonly models = new Map<string, BaseModel>();
  private readonly counters = new Map<string, (example: ChatExample) => number>();

  constructor(modelsDir: string) {
    if (!fs.existsSync(modelsDir)) return;
    for (const org of fs.readdirSync(modelsDir)) {
      const orgDir = path.join(modelsDir, org);
      if (!fs.statSync(orgDir).isDirectory()) continue;
      for (const name of fs.readdirSync(orgDir)) {
        const dir = path.join(orgDir, name, 'resolve', 'main');
        const model = readModel(`${org}/${name}`, dir);
        if (model) this.models.set(model.id, model);
      }
    }
  }

  list(): BaseModel[] {
    return [...this.models.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): BaseModel | undefined {
    return this.models.get(id);
  }

  /** Counts the tokens of one chat example as the trainer sees it: chat template applied, then tokenized. */
  tokenCounter(id: string): (example: ChatExample) => number {
    const cached = this.counters.get(id);
    if (cached) return cached;
    const model = this.models.get(id);
    if (!model) throw new Error(`unknown model ${id}`);
    const counter = createChatTokens(model.dir).count;
    this.counters.set(id, counter);
    return counter;
  }
}

function readModel(id: string, dir: string): BaseModel | null {
  const configPath = path.join(dir, 'config.json');
  const needed = [configPath, path.join(dir, 'tokenizer.json'), path.join(dir, 'tokenizer_config.json')];
  if (!needed.every((file) => fs.existsSync(file))) return null;
  try {
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as {
      model_type?: string;
      max_position_embeddings?: number;
    };
    if (!config.model_type || !FINE_TUNABLE_MODEL_TYPES.has(config.model_type)) return null;
    const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as {
      model_max_length?: number;
    };
    const limits = [config.max_position_embeddings, tokenizerConfig.model_max_length].filter(
      (value): value is number => typeof value === 'number' && value > 0 && value < 1e9,
    );
    return {
      id,
      dir,
      created: Math.floor(fs.statSync(configPath).mtimeMs / 1000),
      maxTokens: limits.length ? Math.min(...limits) : 2048,
    };
  } catch {
    return null;
  }
}
