import { readDevState } from './commands/dev.ts';

/** The Web UI page of a workflow: DATAOPS_UI_URL, else the local dev server's UI when that is the server in use. */
export function uiLink(address: string, namespace: string, workflowId: string): string | undefined {
  const dev = readDevState();
  const local = address.startsWith('127.0.0.1:7233') || address.startsWith('localhost:7233') ? 'http://127.0.0.1:8233' : undefined;
  const uiBase = process.env.DATAOPS_UI_URL ?? (dev && dev.address === address ? dev.uiUrl : undefined) ?? local;
  return uiBase ? `${uiBase}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}` : undefined;
}
