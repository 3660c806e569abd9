import { hostname, userInfo } from 'node:os';

/**
 * `user@host` of this process: the identity the CLI's Temporal client gives (recorded in the history
 * of every workflow it starts, and so in the audit log), and the actor of CLI actions it audits itself.
 */
export function localIdentity(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the environment is the next best account.
    user = process.env.USER || process.env.LOGNAME || `uid ${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${hostname()}`;
}
