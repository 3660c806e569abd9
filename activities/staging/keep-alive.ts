import { Context } from '@temporalio/activity';

export type Beat = (details: unknown) => void;

/**
 * Runs `body` with a `beat` that records the latest heartbeat details, and heartbeats them on a timer
 * well inside the heartbeat timeout: a long wait that is not a hang (a big sort before a query's first
 * row, an ALTER widening a column, loading references) then does not look like a dead worker, and a
 * busy batch loop does not pay for a heartbeat per chunk.
 */
export async function withKeepAlive<T>(body: (beat: Beat) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let latest: unknown;
  // Heartbeating is the timer's job: a per-chunk heartbeat crossed into the SDK's native bridge
  // hundreds of times a second for nothing.
  const beat: Beat = (details) => {
    latest = details;
  };
  // Well inside the heartbeat timeout (the SDK throttles what it actually sends).
  const every = Math.max(500, Math.min(5_000, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 3));
  ctx.heartbeat(latest);
  const timer = setInterval(() => ctx.heartbeat(latest), every);
  try {
    return await body(beat);
  } finally {
    clearInterval(timer);
  }
}
