/** What one line of trainer stdout becomes: a job event, maybe a checkpoint, maybe the news that training began. */
import type { JobEvent } from '../store/events.ts';
import { parseTrainerLine } from './trainer-protocol.ts';

const MAX_LOG_LINE = 2000;

export interface LineRecord {
  event: {
    level?: JobEvent['level'];
    type?: JobEvent['type'];
    message: string;
    data?: Record<string, unknown>;
  };
  checkpoint?: { step: number; dir: string };
  /** A progress line: the run is certainly running. */
  progress: boolean;
}

export function recordForLine(line: string): LineRecord {
  const parsed = parseTrainerLine(line);
  if (!parsed) return { event: { message: line.slice(0, MAX_LOG_LINE) }, progress: false };
  switch (parsed.type) {
    case 'progress': {
      const { step, total_steps, epoch, loss, tokens_per_s } = parsed;
      return {
        event: {
          type: 'metrics',
          message: `Step ${step}/${total_steps}: training loss=${loss.toFixed(4)}`,
          data: { step, total_steps, epoch, train_loss: loss, tokens_per_s },
        },
        progress: true,
      };
    }
    case 'checkpoint':
      return {
        event: { message: `Checkpoint saved at step ${parsed.step}`, data: { step: parsed.step } },
        checkpoint: { step: parsed.step, dir: parsed.dir },
        progress: false,
      };
    case 'done':
      return { event: { message: 'Training finished', data: { metrics: parsed.metrics } }, progress: false };
    case 'error':
      return {
        event: { level: 'error', message: `Trainer error ${parsed.code}: ${parsed.message}` },
        progress: false,
      };
  }
}
