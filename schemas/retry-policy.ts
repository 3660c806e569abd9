// Plain constants, no imports: workflow code (lifecycle.ts) and activities both load this file.
/** The longest wait between two attempts of a data activity: a stream output's duplicate window must outlast it (activities read it too). */
export const DATA_RETRY_MAX_INTERVAL_SECONDS = 30;

/** Retry policy of the long, heartbeating data activities: infrastructure retries, bad input does not. */
export const DATA_RETRY = {
  initialInterval: '1 second',
  maximumInterval: `${DATA_RETRY_MAX_INTERVAL_SECONDS} seconds`,
  maximumAttempts: 20,
  nonRetryableErrorTypes: ['BadInput'],
};
