import { listAudit } from '../../catalogue/audit.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { AuditRecord } from '../../schemas/audit.ts';
import { withCentreDb } from '../centre-db.ts';
import { dayBoundary, formatInZone } from '../day-range.ts';
import { formatCount, formatTable } from '../format-table.ts';

function maskingText(entry: AuditRecord): string {
  // In column order: jsonb keeps object keys in an order of its own.
  const names = [...new Set([...entry.columns, ...Object.keys(entry.masking.masks)])];
  const masked = names.map((n) => [n, entry.masking.masks[n]] as const).filter(([, mask]) => mask !== undefined && mask !== 'none');
  const text = masked.map(([column, mask]) => `${column}:${mask}`).join(' ');
  return entry.masking.keyVersion ? `${text} (key ${entry.masking.keyVersion})` : text;
}

function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The audit log, newest first: who sent which rows and columns of what to whom, with which masking. */
export function auditCommand(options: { department?: string; dataset?: string; from?: string; to?: string; limit: number; json?: boolean }): Promise<number> {
  const { timeZone } = loadConfig();
  const from = options.from === undefined ? undefined : dayBoundary(options.from, timeZone);
  const to = options.to === undefined ? undefined : dayBoundary(options.to, timeZone, true);
  for (const [flag, text, at] of [
    ['--from', options.from, from],
    ['--to', options.to, to],
  ] as const) {
    if (text !== undefined && !at) {
      console.error(`${flag} must be a day like 2026-12-01 (in ${timeZone}) or a time with its zone like 2026-12-01T08:00+08:00, not "${text}"`);
      return Promise.resolve(2);
    }
  }
  return withCentreDb(async (db) => {
    const entries = await listAudit(db, {
      ...(options.department ? { department: options.department } : {}),
      ...(options.dataset ? { dataset: options.dataset } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      limit: options.limit,
    });
    if (options.json) {
      console.log(JSON.stringify(entries, null, 2));
      return 0;
    }
    if (!entries.length) {
      console.log('no audit entries match');
      return 0;
    }
    console.log(
      formatTable(
        [`at (${timeZone})`, 'action', 'actor', 'dataset', 'department', 'recipient', 'rows', 'columns', 'masking', 'spec', 'run'],
        entries.map((e) => [
          formatInZone(e.at, timeZone),
          e.action,
          e.actor,
          e.dataset,
          e.department,
          e.recipient,
          formatCount(e.rows),
          clip(e.columns.join(', ')),
          clip(maskingText(e)),
          e.specHash ? e.specHash.slice(0, 12) : '',
          e.runId,
        ]),
      ),
    );
    return 0;
  });
}
