import { Context } from '@temporalio/activity';

export type Beat = (details: unknown) => void;

/**
 * Runs `body` with a `beat` that heartbeats and remembers its details, and repeats the latest details
 * every few seconds meanwhile: a long wait that is not a hang (a big sort before a query's first row,
 * an ALTER widening a column, loading references) then does not look like a dead worker.
 */
export async function withKeepAlive<T>(body: (beat: Beat) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let latest: unknown;
  const beat: Beat = (details) => {
    latest = details;
    ctx.heartbeat(details);
  };
  // Well inside the heartbeat timeout (the SDK throttles what it actually sends).
  const every = Math.max(500, Math.min(5_000, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 3));
  const timer = setInterval(() => ctx.heartbeat(latest), every);
  try {
    return await body(beat);
  } finally {
    clearInterval(timer);
  }
}
