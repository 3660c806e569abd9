import type { ShareJobSpec } from '../../schemas/job-spec.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { expiryProblem } from '../../governance/share-expiry.ts';

/** A share past its expiry date sends nothing: refused before any row moves. */
export function refuseExpired(spec: ShareJobSpec, now = new Date()): void {
  const problem = expiryProblem(spec, now);
  if (problem) throw new BadInputError(problem);
}
