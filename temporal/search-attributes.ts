/**
 * The custom search attributes every dataops workflow carries, so centre staff can filter runs in
 * the Temporal Web UI. Workflow code imports the typed keys from `workflows/search-attributes.ts`;
 * this list drives registration (dev-server flags and `dataops setup-temporal`).
 */
export const SEARCH_ATTRIBUTES = {
  DataOpsJob: 'Keyword',
  DataOpsKind: 'Keyword',
  DataOpsDataset: 'Keyword',
  DataOpsDepartment: 'Keyword',
  DataOpsRecords: 'Int',
  DataOpsAccuracy: 'Double',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

export function devServerSearchAttributeFlags(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}
