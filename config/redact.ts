const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]+)@/gi;
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|secret|token|api[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi;

/** Hides passwords in connection URLs and `password=...` pairs; used by the logger and error output. */
export function redactSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@').replace(KEY_VALUE_SECRET, '$1$2***');
}

/** A URL safe to show: credentials removed. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return redactSecrets(url);
  }
}

/**
 * Where a connection points, without being a connection string: `database "hr" on db:5432`. Messages
 * that can end up in a workflow's history (activity failures) use this; the Web UI shows them to anyone.
 */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    const server = parsed.host || 'the default server';
    return database ? `database "${database}" on ${server}` : server;
  } catch {
    return 'a server whose URL does not parse';
  }
}
