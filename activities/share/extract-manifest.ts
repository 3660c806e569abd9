import type { ShareJobSpec } from '../../schemas/job-spec.ts';
import type { SharedFile } from '../../schemas/share-run.ts';
import { shareExpiresAt } from '../../governance/share-expiry.ts';
import type { ShareFilesCheckpoint } from './share-files-checkpoint.ts';

/** manifest.json: what the folder holds, for whom and why, and how to check it (row counts, SHA-256 per file). */
export interface ExtractManifest {
  manifestVersion: 1;
  runId: string;
  job: string;
  dataset: string;
  /** The department the data belongs to, and the one it is shared with. */
  owner: string;
  consumer: string;
  purpose: string;
  expires: string;
  expiresAt: string;
  specHash: string;
  source: string;
  /** The structured filter that chose the rows (null: every row). */
  filter: ShareJobSpec['filter'] | null;
  format: string;
  rows: number;
  files: SharedFile[];
  columns: { name: string; type: string; mask: string }[];
  /** The columns sent masked, by mask. */
  masking: Record<string, string>;
  /** The masking key version (and algorithm) pseudonyms were made with; null when no pseudonym was sent. */
  keyVersion: string | null;
  keyAlgorithm: string | null;
  createdAt: string;
}

export const MANIFEST_NAME = 'manifest.json';

export function extractManifest(runId: string, spec: ShareJobSpec, hash: string, state: ShareFilesCheckpoint, now: Date): ExtractManifest {
  return {
    manifestVersion: 1,
    runId,
    job: spec.job,
    dataset: spec.dataset,
    owner: spec.department,
    consumer: spec.consumer,
    purpose: spec.purpose,
    expires: spec.expires,
    expiresAt: shareExpiresAt(spec.expires).toISOString(),
    specHash: hash,
    source: state.sourceTable,
    filter: spec.filter ?? null,
    format: state.format,
    rows: state.rows,
    files: state.files,
    columns: state.extractColumns.map((c) => ({ name: c.name, type: c.pgType, mask: state.masking.masks[c.name] ?? 'none' })),
    masking: Object.fromEntries(Object.entries(state.masking.masks).filter(([, mask]) => mask !== 'none')),
    keyVersion: state.masking.keyVersion ?? null,
    keyAlgorithm: state.masking.algorithm ?? null,
    createdAt: now.toISOString(),
  };
}
