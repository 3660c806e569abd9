import type { StreamPublishJobSpec } from '../../schemas/job-spec.ts';
import { getWatermark } from '../../catalogue/watermarks.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { activityDb } from '../context.ts';

/** Where a stream output's watermark is kept (beside the datasets' own, under a name no dataset can have). */
export function publishWatermarkName(spec: Pick<StreamPublishJobSpec, 'job'>): string {
  return `stream-publish:${spec.job}`;
}

/**
 * The (cursor, key) of the last change the broker confirmed, checked against the columns the spec
 * reads by; undefined before the first confirmed batch (every row is then published).
 */
export async function publishWatermark(spec: StreamPublishJobSpec): Promise<{ cursor: string; key: string } | undefined> {
  const name = publishWatermarkName(spec);
  const watermark = await getWatermark(activityDb(), name);
  if (!watermark) return undefined;
  const cursor = spec.source.incremental.cursor;
  const key = spec.source.key ?? spec.source.incremental.key;
  if (watermark.cursorColumn !== cursor || (key && watermark.keyColumn !== key)) {
    throw new BadInputError(
      `${spec.job} was published by (${watermark.cursorColumn}, ${watermark.keyColumn}), the spec now reads by (${cursor}, ${key ?? 'the table key'}); ` +
        `to publish every row again by the new columns: dataops watermarks reset ${name}`,
    );
  }
  return { cursor: watermark.cursor, key: watermark.key };
}
