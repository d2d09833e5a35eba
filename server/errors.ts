/**
 * The codes the fine-tuning server throws as HearthErrors, each with what the operator does about
 * it. Its HTTP error bodies carry OpenAI-style codes of their own (server/http/errors.ts).
 */
export const SERVER_ERROR_CODES = {
  INVALID_CONFIG:
    'The server configuration is invalid: fix the settings the message names (HEARTH_* variables or flags).',
  DATA_DIR_IN_USE: 'Another Hearth server uses this data folder: stop it, or set another HEARTH_DATA_DIR.',
  executor_submit_failed:
    'The executor refused the job: check its settings (HEARTH_SLURM_* for SLURM) and the message.',
  invalid_adapter:
    "The trainer's output is not a usable adapter: check the training logs, then run the job again.",
  publish_failed:
    'The trained adapter could not be published: check free disk space and the message, then run the job again.',
  job_on_other_executor:
    'The job runs on another executor: cancel it from a server started with that executor.',
} as const;

declare module '../src/core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof SERVER_ERROR_CODES, true> {}
}
