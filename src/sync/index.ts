export { AdapterServerClient, type AdapterServerClientOptions } from './adapter-server-client.ts';
export type { AdapterFiles, AdapterHost } from './adapter-host.ts';
export { AdapterSync, type AdapterSyncOptions } from './adapter-sync.ts';
export type { SyncErrorCode } from './errors.ts';
export type { SyncEvent, SyncFailure, SyncReport } from './events.ts';
export {
  conversationToDatasetLine,
  uploadFeedback,
  type FeedbackConversation,
  type FeedbackMessage,
  type UploadedFeedback,
  type UploadFeedbackOptions,
} from './feedback.ts';
export { SYNC_ERROR_CODES } from './errors.ts';
export { TrainingClient, type NewTrainingJob, type TrainingClientOptions } from './training-client.ts';
export {
  TRAINING_FINAL_STATUSES,
  type TrainingEvent,
  type TrainingJob,
  type TrainingProgress,
  type TrainingUpdate,
} from './training-job.ts';
