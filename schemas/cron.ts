// Cron expressions as Temporal Schedules take them (5 fields: minute hour day-of-month month day-of-week), checked before any call.

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function fieldValue(text: string, field: (typeof FIELDS)[number]): number | undefined {
  const named = 'names' in field ? field.names.indexOf(text.toUpperCase() as never) : -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

function partProblem(part: string, field: (typeof FIELDS)[number]): string | undefined {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined || range === undefined || range === '') return `"${part}" is not a value, range or step`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `step "${step}" must be a positive number`;
  if (range === '*' || range === '?') return undefined;
  const [from, to, more] = range.split('-');
  if (more !== undefined) return `"${range}" is not a range`;
  const a = fieldValue(from!, field);
  if (a === undefined) return `"${from}" is not a ${field.name} (${field.min}-${field.max})`;
  if (to === undefined) return undefined;
  const b = fieldValue(to, field);
  if (b === undefined) return `"${to}" is not a ${field.name} (${field.min}-${field.max})`;
  return a > b ? `range "${range}" runs backwards` : undefined;
}

/** Why a cron expression is not valid, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (MACROS.has(text.toLowerCase())) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `cron "${expression}" has ${fields.length} fields; it needs 5 (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i]!.split(',')) {
      const problem = partProblem(part, FIELDS[i]!);
      if (problem) return `cron "${expression}", ${FIELDS[i]!.name}: ${problem}`;
    }
  }
  return undefined;
}

/** Whether the runtime knows an IANA time zone (Asia/Shanghai, UTC, ...). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
