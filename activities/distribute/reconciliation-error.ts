import { BadInputError } from '../../errors/bad-input.ts';

/** The loaded table does not hold the rows that were read: nothing is swapped in, and retrying cannot fix it. */
export class ReconciliationError extends BadInputError {}
