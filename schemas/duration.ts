import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `5m`, `2h`, `7d` (or a number of milliseconds) in milliseconds; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}

/** A duration as specs write it: `5m`, `30s`, `1h`, `7d`. */
export const durationSchema = z.string().refine((text) => durationMs(text) !== undefined, { message: 'must be a duration like 30s, 5m, 2h or 7d' });
