import { detectPersonalData, type Detection, type ScanThresholds } from './personal-data.ts';
import { judge, type ScanPlace, type Verdict } from './verdict.ts';

export interface ColumnFinding {
  column: string;
  detection: Detection;
  verdict: Verdict;
}

/** The columns of one sampled table that hold personal data where they should not, in column order. */
export function tableFindings(
  columns: readonly string[],
  values: readonly (readonly (string | null)[])[],
  placeOf: (column: string) => ScanPlace,
  thresholds: ScanThresholds,
): ColumnFinding[] {
  const findings: ColumnFinding[] = [];
  columns.forEach((column, i) => {
    const detection = detectPersonalData(values[i] ?? [], thresholds);
    if (!detection) return;
    const verdict = judge(detection, placeOf(column));
    if (verdict) findings.push({ column, detection, verdict });
  });
  return findings;
}
