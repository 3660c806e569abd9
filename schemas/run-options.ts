import { z } from 'zod';

/** How a data job batches its work: the same for every service that stages rows. */
export const runOptionsSchema = z
  .object({
    /** Rows committed per checkpoint. */
    batchRows: z.number().int().min(100).max(5_000_000).default(100_000),
    /** A worker silent for this long is presumed dead and the batch resumes elsewhere. */
    heartbeatSeconds: z.number().int().min(2).max(600).default(30),
  })
  .strict()
  .default({ batchRows: 100_000, heartbeatSeconds: 30 });
