// RFC 4180 CSV lines with `\n` endings.

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Quotes when RFC 4180 requires it, and also around leading or trailing whitespace so readers that trim keep it. */
export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : value;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly (string | number)[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
