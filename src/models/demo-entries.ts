import type { Dtype, ModelFile } from './catalog-schema.ts';
import demoPins from './demo-pins.json' with { type: 'json' };

/** The bundled demo models are served by the app itself, from public/models. */
export const DEMO_BASE_URL = '/models';

interface PinnedModel {
  revision: string;
  files: { path: string; size: number; sha256: string }[];
}

const pins: Record<string, PinnedModel> = demoPins;

/** Hub naming of ONNX precisions: onnx/model.onnx is fp32, onnx/model_<suffix>.onnx the others. */
const dtypeBySuffix: Record<string, Dtype> = {
  '': 'fp32',
  _fp16: 'fp16',
  _quantized: 'q8',
  _q4: 'q4',
  _q4f16: 'q4f16',
};

/**
 * Splits a pinned demo model into common files and per-dtype graph files (with their external
 * data, `model_q4.onnx_data`, when there is any), keeping every pin.
 */
export function demoFiles(id: string): {
  revision: string;
  files: ModelFile[];
  dtypes: Partial<Record<Dtype, { files: ModelFile[] }>>;
} {
  const pinned = pins[id];
  if (!pinned)
    throw new Error(`${id} has no pins in src/models/demo-pins.json: run scripts/pin-demo-models.ts`);
  const files: ModelFile[] = [];
  const dtypes: Partial<Record<Dtype, { files: ModelFile[] }>> = {};
  for (const file of pinned.files) {
    const graph = /^onnx\/model(_[a-z0-9]+)?\.onnx(_data)?$/.exec(file.path);
    const dtype = graph ? dtypeBySuffix[graph[1] ?? ''] : undefined;
    if (dtype) (dtypes[dtype] ??= { files: [] }).files.push(file);
    // PyTorch weights sit beside the ONNX graph for adapter training; engines in the browser don't read them.
    else if (!file.path.endsWith('.safetensors')) files.push(file);
  }
  return { revision: pinned.revision, files, dtypes };
}
