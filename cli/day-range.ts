const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC offset of `timeZone` at `instant`, in milliseconds. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a day (`YYYY-MM-DD`) starts in a time zone, the day after it when `end` (an inclusive
 * `--to`), or a time written with its zone (`2026-12-01T08:00+08:00`) as it is. Undefined: not a date.
 */
export function dayBoundary(text: string, timeZone: string, end = false): Date | undefined {
  const day = DAY.exec(text);
  if (!day) {
    // A time without a zone would be read in this machine's zone, which says nothing about the centre's.
    if (!/T\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : new Date(at);
  }
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const midnight = Date.UTC(y, m - 1, d + (end ? 1 : 0));
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  // Twice: the offset at the guess can differ from the offset at the result across a DST change.
  let at = midnight - offsetMs(midnight, timeZone);
  at = midnight - offsetMs(at, timeZone);
  return new Date(at);
}

/** `YYYY-MM-DD HH:MM:SS` in a time zone. */
export function formatInZone(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}
