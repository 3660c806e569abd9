/** Drains a generator, keeping what it yielded and what it returned (for tests and small runs). */
export function collectAll<T, R>(it: Generator<T, R>): { items: T[]; result: R } {
  const items: T[] = [];
  let step = it.next();
  while (!step.done) {
    items.push(step.value);
    step = it.next();
  }
  return { items, result: step.value };
}
