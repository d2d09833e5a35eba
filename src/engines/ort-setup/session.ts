import { HearthError } from '../../core/errors.ts';
import type { ExecutionDevice } from './device.ts';
import { configureOrt, ort } from './env.ts';

export interface CreateSessionOptions {
  device: ExecutionDevice;
  /** Names the model in error messages, e.g. "Xenova/all-MiniLM-L6-v2@main onnx/model.onnx". */
  label: string;
  /** Extra ORT session options (external data, output locations, free dimensions …). */
  sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;
}

/** Input and output names with their element types, read from the graph itself. */
export interface SessionSignature {
  inputs: Map<string, string | undefined>;
  outputs: Map<string, string | undefined>;
}

/**
 * Creates an ORT session from model bytes on the chosen backend. `configureOrt` runs first (with
 * defaults) if nobody configured the environment. A file ORT cannot parse becomes MODEL_FILE_MALFORMED;
 * any other failure MODEL_LOAD_FAILED, both naming the model.
 */
export async function createSession(
  bytes: Uint8Array,
  options: CreateSessionOptions,
): Promise<ort.InferenceSession> {
  configureOrt();
  try {
    return await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      // ORT's default severity prints placement notes on every WebGPU load; keep the console for errors.
      logSeverityLevel: 3,
      ...options.sessionOptions,
      executionProviders: [options.device],
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/protobuf|failed to load model|INVALID_GRAPH|ModelProto/i.test(message))
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        `${options.label} is not a valid ONNX model (${message}). Delete the model and download it again.`,
        { cause: error },
      );
    throw new HearthError(
      'MODEL_LOAD_FAILED',
      `${options.label} could not be loaded on ${options.device}: ${message}. Try device 'wasm'.`,
      { cause: error },
    );
  }
}

export function sessionSignature(session: ort.InferenceSession): SessionSignature {
  const typed = (metadata: readonly ort.InferenceSession.ValueMetadata[]) =>
    new Map(metadata.map((m) => [m.name, m.isTensor ? m.type : undefined] as const));
  return { inputs: typed(session.inputMetadata), outputs: typed(session.outputMetadata) };
}
