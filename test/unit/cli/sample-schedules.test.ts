import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadSchedules } from '../../../cli/load-schedule.ts';
import { PROJECT_ROOT } from '../../../temporal/cli-locator.ts';

describe('the bundled sample schedule', () => {
  it('runs the residents pipeline (collect, then cleanse behind a gate) at 02:00 Shanghai time', () => {
    const [nightly, ...rest] = loadSchedules([join(PROJECT_ROOT, 'samples', 'schedules')]);
    expect(rest).toEqual([]);
    expect(nightly!.schedule).toMatchObject({
      schedule: 'nightly-residents',
      cron: ['0 2 * * *'],
      timeZone: 'Asia/Shanghai',
      overlap: 'skip',
      catchupWindow: '6h',
    });
    expect(nightly!.spec.kind).toBe('pipeline');
    if (nightly!.spec.kind !== 'pipeline') return;
    expect(Object.keys(nightly!.spec.steps)).toEqual(['collect', 'cleanse']);
    expect(nightly!.spec.steps.cleanse).toMatchObject({ after: ['collect'], gate: { accuracy: { min: 0.9 }, onFail: 'stop' } });
    expect(nightly!.spec.steps.cleanse!.spec.kind).toBe('cleanse');
  });
});
