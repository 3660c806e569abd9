export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function parseBenchArgs<T extends Record<string, number>>(defaults: T): T {
  const result: Record<string, number> = { ...defaults };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]?.replace(/^--/, '');
    const value = Number(args[i + 1]);
    if (!key || !(key in defaults) || !Number.isFinite(value))
      throw new Error(
        `usage: ${Object.keys(defaults)
          .map((k) => `--${k} N`)
          .join(' ')}`,
      );
    result[key] = value;
  }
  return result as T;
}
