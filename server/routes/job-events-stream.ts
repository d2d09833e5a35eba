/**
 * A job's events as server-sent events, oldest first: every stored event after `Last-Event-ID` (or all),
 * then live ones, then an `end` event with the job once it reaches a final state.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import type { JobEvent } from '../store/events.ts';
import { publicEvent } from '../store/events.ts';
import { FINAL_STATUSES, jobObject } from '../store/jobs.ts';

const HEARTBEAT_MS = 15_000;

export function streamJobEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  s: Services,
  jobId: string,
): FastifyReply {
  const raw = reply.raw;
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  };
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = String(value);
  reply.hijack();
  raw.writeHead(200, headers);

  let lastSeq = 0;
  let closed = false;
  const send = (event: JobEvent & { seq: number }) => {
    if (closed || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    raw.write(`id: ${event.id}\nevent: event\ndata: ${JSON.stringify(publicEvent(event))}\n\n`);
  };
  const endIfFinal = () => {
    const job = s.jobs.get(jobId);
    if (closed || !job || !FINAL_STATUSES.has(job.status)) return;
    raw.write(`event: end\ndata: ${JSON.stringify(jobObject(job))}\n\n`);
    close();
    raw.end();
  };
  const onEvent = (event: JobEvent & { seq: number }) => {
    send(event);
    endIfFinal();
  };
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const close = () => {
    closed = true;
    clearInterval(heartbeat);
    s.events.bus.off(`job:${jobId}`, onEvent);
  };
  // Subscribe before reading the backlog so nothing falls between the two; `send` drops duplicates by seq.
  s.events.bus.on(`job:${jobId}`, onEvent);
  request.raw.on('close', close);
  const lastEventId = request.headers['last-event-id'];
  for (const event of s.events.listSince(jobId, typeof lastEventId === 'string' ? lastEventId : null))
    send(event);
  endIfFinal();
  return reply;
}
