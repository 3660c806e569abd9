/** The centre's offset (Asia/Shanghai keeps no daylight saving time). */
const CENTRE_OFFSET = '+08:00';

/** The first instant a share is no longer valid: a date's share holds through that day in the centre's time zone. */
export function shareExpiresAt(expires: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) return new Date(new Date(`${expires}T00:00:00${CENTRE_OFFSET}`).getTime() + 86_400_000);
  return new Date(expires);
}

/** Why a share may not run at `now`, or undefined while it is valid. */
export function expiryProblem(share: { consumer: string; expires: string }, now: Date): string | undefined {
  const end = shareExpiresAt(share.expires);
  if (now.getTime() < end.getTime()) return undefined;
  return `this share with ${share.consumer} expired on ${share.expires} (valid until ${end.toISOString()}); nothing was sent. Renew it with the consumer and set a new expires date`;
}
