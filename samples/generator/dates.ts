// Calendar helpers on whole days since 1970-01-01 (UTC), so nothing depends on the local time zone.

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_S = 8 * 3600;

export interface Ymd {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${iso}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function ymd(day: number): Ymd {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function isoDate(day: number): string {
  const { year, month, day: d } = ymd(day);
  return `${year}-${pad2(month)}-${pad2(d)}`;
}

/** `yyyymmdd`, the form embedded in citizen IDs. */
export function compactDate(day: number): string {
  const { year, month, day: d } = ymd(day);
  return `${year}${pad2(month)}${pad2(d)}`;
}

/** Seconds since the epoch to an ISO timestamp in Shanghai time, e.g. `2024-03-05T08:12:33+08:00`. */
export function shanghaiTimestamp(epochSeconds: number): string {
  const d = new Date((epochSeconds + SHANGHAI_OFFSET_S) * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+08:00`
  );
}

/** Start of a day number in Shanghai time, as epoch seconds. */
export function shanghaiDayStart(day: number): number {
  return day * 86_400 - SHANGHAI_OFFSET_S;
}

export const NON_ISO_DATE_STYLES = ['chinese', 'slash', 'compact', 'dotted'] as const;
export type NonIsoDateStyle = (typeof NON_ISO_DATE_STYLES)[number];

/** The non-ISO ways dates arrive: `1990年3月1日`, `1990/3/1`, `19900301`, `1990.03.01`. */
export function formatDateAs(day: number, style: NonIsoDateStyle): string {
  const { year, month, day: d } = ymd(day);
  switch (style) {
    case 'chinese':
      return `${year}年${month}月${d}日`;
    case 'slash':
      return `${year}/${month}/${d}`;
    case 'compact':
      return `${year}${pad2(month)}${pad2(d)}`;
    case 'dotted':
      return `${year}.${pad2(month)}.${pad2(d)}`;
  }
}

/** The generator's "today": fixed so output never depends on when it runs. Every timestamp lies before it. */
export const REFERENCE_DATE = '2026-11-01';
