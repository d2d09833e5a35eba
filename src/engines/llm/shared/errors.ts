import { HearthError } from '../../../core/errors.ts';

/*
 * The errors of an engine shared by several pages (tabs); their codes are declared with the other
 * chat engine codes (src/engines/llm/errors.ts).
 */

export function answerInterrupted(): HearthError {
  return new HearthError(
    'ANSWER_INTERRUPTED',
    'This tab was paused by the browser while the answer was being written; the engine went on serving other tabs. Regenerate the answer.',
  );
}

export function engineHostLost(): HearthError {
  return new HearthError(
    'ENGINE_HOST_LOST',
    'The engine shared by your tabs stopped while answering. Regenerate the answer: a new engine starts and loads the model again.',
  );
}
