import { HearthError } from '../../../core/errors.ts';
import type { ModelFiles } from '../../../core/model-files.ts';
import type { OrtDevice } from './decoder-runtime.ts';

/** onnx-community file names per weight format. */
export const VARIANT_FILES: Record<string, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  quantized: 'onnx/model_quantized.onnx',
};

export function needsShaderF16(dtype: string): boolean {
  return dtype.endsWith('f16');
}

export interface ChosenVariant {
  dtype: string;
  file: string;
  reason: string;
}

/**
 * An explicit dtype must exist. Otherwise the smallest weights the device runs well: on WebGPU with
 * shader-f16 the f16 variants first; else 4-bit, then full precision.
 */
export async function chooseVariant(
  files: ModelFiles,
  requested: string | undefined,
  device: OrtDevice,
  shaderF16: boolean,
): Promise<ChosenVariant> {
  if (requested && requested !== 'auto') {
    const file = VARIANT_FILES[requested];
    if (!file) {
      throw new HearthError(
        'INVALID_INPUT',
        `Unknown dtype "${requested}". Use one of: ${Object.keys(VARIANT_FILES).join(', ')}, or "auto".`,
      );
    }
    if (!(await files.has(file))) {
      throw new HearthError(
        'MODEL_FILE_MISSING',
        `${files.modelId} has no ${requested} weights (${file}). Pick another dtype or download that file.`,
      );
    }
    return { dtype: requested, file, reason: `${requested} was requested` };
  }
  const order =
    device === 'webgpu' && shaderF16 ? ['q4f16', 'fp16', 'q4', 'fp32'] : ['q4', 'fp32', 'quantized'];
  for (const dtype of order) {
    const file = VARIANT_FILES[dtype]!;
    if (await files.has(file))
      return { dtype, file, reason: `auto: ${dtype} is the first of ${order.join(', ')} present` };
  }
  throw new HearthError(
    'MODEL_FILE_MISSING',
    `${files.modelId} has none of ${order.map((d) => VARIANT_FILES[d]).join(', ')}. Check the model id; it must be an ONNX export.`,
  );
}
