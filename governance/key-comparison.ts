// Whether a merge's periodic key-set comparison is due: pure, so unit tests and any caller agree.

/**
 * Due when keys were never compared, when `everyMs` is 0 (every run), or when this run's logical date
 * is at least `everyMs` after the logical date of the run that last compared. Logical dates, not wall
 * clocks: a nightly schedule's runs are exactly a day apart however long each one took to get there,
 * so `every: 1d` compares every night rather than every other. A backfilled run dated before the last
 * comparison is not due.
 */
export function keyComparisonDue(lastCompared: Date | undefined, runAt: Date, everyMs: number): boolean {
  if (lastCompared === undefined || everyMs <= 0) return true;
  return runAt.getTime() - lastCompared.getTime() >= everyMs;
}
