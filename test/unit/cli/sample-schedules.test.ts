import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadSchedules } from '../../../cli/load-schedule.ts';
import { PROJECT_ROOT } from '../../../temporal/cli-locator.ts';

const schedules = () => loadSchedules([join(PROJECT_ROOT, 'samples', 'schedules')]);
const named = (name: string) => schedules().find((s) => s.schedule.schedule === name);

describe('the bundled sample schedules', () => {
  it('are the nightly residents pipeline and the monthly security scan', () => {
    expect(schedules().map((s) => s.schedule.schedule)).toEqual(['monthly-security-scan', 'nightly-residents']);
  });

  it('runs the residents pipeline (collect, then cleanse behind a gate) at 02:00 Shanghai time', () => {
    const nightly = named('nightly-residents');
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

  it('scans every connection on the 1st of each month at 03:00 Shanghai time', () => {
    const monthly = named('monthly-security-scan');
    expect(monthly!.schedule).toMatchObject({ cron: ['0 3 1 * *'], timeZone: 'Asia/Shanghai', overlap: 'skip', catchupWindow: '72h' });
    expect(monthly!.spec).toMatchObject({ kind: 'scan', job: 'monthly-security-scan', sampleRows: 1000, minShare: 0.5, minValues: 3 });
    expect(monthly!.spec).not.toHaveProperty('connections');
  });
});
