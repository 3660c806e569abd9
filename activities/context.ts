import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { Context } from '@temporalio/activity';
import { loadConfig } from '../config/load-config.ts';
import { logger } from '../config/logger.ts';
import { BadInputError } from '../errors/bad-input.ts';
import { sanitiseErrorText } from '../errors/sanitise.ts';
import type { Config } from '../schemas/config.ts';
import { centreDb } from '../db/knex.ts';

let cachedConfig: Config | undefined;

/** Configuration is read once per worker process, inside activities only: secrets never enter Temporal. */
export function activityConfig(): Config {
  cachedConfig ??= loadConfig();
  return cachedConfig;
}

export function activityDb() {
  return centreDb(activityConfig().databaseUrl);
}

export function activityLogger(fields: Record<string, unknown>): Logger {
  let info: Record<string, unknown> = {};
  try {
    const ctx = Context.current().info;
    info = { activity: ctx.activityType, attempt: ctx.attempt, workflowId: ctx.workflowExecution?.workflowId };
  } catch {
    // called outside an activity (tests, CLI): no Temporal context to add
  }
  return logger().child({ ...info, ...fields });
}

/**
 * Runs an activity body, turning BadInputError into a non-retryable failure with a clear message and
 * redacting secrets (and control bytes) from every other error before Temporal records it.
 */
export async function classifyErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    // Reported as a cancellation, not a failure: the workflow that asked for it tells the two apart.
    if (error instanceof CancelledFailure) throw error;
    if (error instanceof BadInputError) throw ApplicationFailure.nonRetryable(sanitiseErrorText(error.message), 'BadInput');
    const code = (error as { code?: unknown }).code;
    // PostgreSQL refusing a value (class 22) or a drop blocked by a user's view (2BP01) fails the same way every time.
    if (typeof code === 'string' && (code.startsWith('22') || code === '2BP01')) {
      throw ApplicationFailure.nonRetryable(`PostgreSQL refused the data: ${sanitiseErrorText((error as Error).message)}`, 'BadInput');
    }
    if (error instanceof ApplicationFailure) throw error;
    const message = sanitiseErrorText(error instanceof Error ? error.message : String(error));
    throw ApplicationFailure.retryable(message, (error as Error)?.name ?? 'Error');
  }
}
