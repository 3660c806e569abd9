// Which devices have gone quiet: silent longer than they said they would be.
import { spanText } from './span-text.ts';

export type Liveness =
  | { readonly status: 'ok'; readonly sinceMs: number }
  | { readonly status: 'silent'; readonly silentForMs: number }
  | { readonly status: 'never-seen' };

/**
 * How late a reading may be before its device counts as silent: a quarter of the interval, and at
 * least 10 s. A device on a 5-minute schedule is not late at 5m 02s: its own timer drifts, the network
 * and the broker add a little, and its last reading is stamped when the centre received it, which
 * trails the device by up to a batch's wait (a second by default). Without a grace such devices would
 * flap between ok and silent at every reading; a quarter is what the centre already allows for a
 * dataset's update frequency (catalogue/freshness.ts). Short intervals get the 10 s floor, since those
 * delays do not shrink with the interval.
 */
export function graceMs(intervalSeconds: number): number {
  return Math.max(10_000, intervalSeconds * 250);
}

/** A device's liveness at `nowMs`, from when its last accepted reading arrived (null: never). */
export function liveness(lastSeenAt: Date | null, intervalSeconds: number, nowMs: number): Liveness {
  if (!lastSeenAt) return { status: 'never-seen' };
  const since = Math.max(0, nowMs - lastSeenAt.getTime());
  return since > intervalSeconds * 1000 + graceMs(intervalSeconds) ? { status: 'silent', silentForMs: since } : { status: 'ok', sinceMs: since };
}

/** `ok`, `silent for 12m (interval 5m)`, `never seen`. */
export function livenessText(state: Liveness, intervalSeconds: number): string {
  if (state.status === 'ok') return 'ok';
  if (state.status === 'never-seen') return 'never seen';
  return `silent for ${spanText(state.silentForMs)} (interval ${spanText(intervalSeconds * 1000)})`;
}

/** The devices that need someone's attention: silent or never seen, the longest silent first, then those never seen. */
export function needingAttention<T extends { liveness: Liveness }>(devices: readonly T[]): T[] {
  const silentFor = (d: T) => (d.liveness.status === 'silent' ? d.liveness.silentForMs : -1);
  return devices.filter((d) => d.liveness.status !== 'ok').sort((a, b) => silentFor(b) - silentFor(a));
}
