// Shape of truth.json: the manifest (seed, counts, hashes) followed by one entry per defective row.

import type { Action, DefectKind, EnterpriseDefect, ResidentDefect } from './defects.ts';

export const GENERATOR_ID = 'dataops-samples/1';

export interface DataFileSummary<K extends string> {
  readonly format: 'csv' | 'ndjson';
  readonly encoding: 'utf-8' | 'gbk';
  readonly key: 'resident_id' | 'enterprise_id';
  /** Line of the first data row: 2 under a CSV header, 1 in NDJSON. Entry `line`s are CSV lines. */
  readonly firstRowLine: number;
  readonly rows: number;
  readonly clean: number;
  /** Every kind, in declared order, including those with zero rows. */
  readonly defects: Readonly<Record<K, number>>;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ListFileSummary {
  readonly format: 'text';
  readonly encoding: 'utf-8';
  readonly description: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface SampleManifest {
  readonly generator: typeof GENERATOR_ID;
  readonly seed: number;
  readonly referenceDate: string;
  readonly rates: {
    readonly residents: Readonly<Record<ResidentDefect, number>>;
    readonly enterprises: Readonly<Record<EnterpriseDefect, number>>;
  };
  readonly kinds: {
    readonly residents: Readonly<Record<ResidentDefect, DefectKind>>;
    readonly enterprises: Readonly<Record<EnterpriseDefect, DefectKind>>;
  };
  readonly files: {
    readonly 'residents.csv': DataFileSummary<ResidentDefect>;
    readonly 'residents.ndjson': DataFileSummary<ResidentDefect>;
    readonly 'enterprises.csv': DataFileSummary<EnterpriseDefect>;
    readonly 'credit-code-pilots.txt': ListFileSummary;
  };
}

/** One defective row in truth.json; the key property is `resident_id` or `enterprise_id`. */
export interface TruthEntry<K extends string> {
  readonly resident_id?: number;
  readonly enterprise_id?: number;
  /** Line in the CSV file (header = line 1). */
  readonly line: number;
  readonly defect: K;
  readonly action: Action;
  readonly field: string;
  readonly value: string;
  readonly expected?: string;
  readonly duplicateOf?: number;
}

/** truth.json as parsed. */
export interface SampleTruth extends SampleManifest {
  readonly defectiveRows: {
    readonly 'residents.csv': readonly TruthEntry<ResidentDefect>[];
    readonly 'enterprises.csv': readonly TruthEntry<EnterpriseDefect>[];
  };
}
