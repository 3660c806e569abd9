import { describe, expect, it } from 'vitest';
import { buildRegistry, parseRegistryCsv } from '../../../../governance/devices/registry.ts';

describe('device registry file', () => {
  it('reads device_id,department,interval_seconds[,type], with or without a header, skipping comments and blank lines', () => {
    const text = '\uFEFFdevice_id,department,interval_seconds,type\r\n# river gauges\nwl-001,water,300,water-level\n\n"aq-7",,60\n';
    expect(parseRegistryCsv(text, 'ecology')).toEqual({
      devices: [
        { id: 'wl-001', department: 'water', intervalSeconds: 300, type: 'water-level' },
        { id: 'aq-7', department: 'ecology', intervalSeconds: 60 },
      ],
      problems: [],
    });
    expect(parseRegistryCsv('d1,env,30', 'x').devices).toEqual([{ id: 'd1', department: 'env', intervalSeconds: 30 }]);
  });

  it('names the line of each problem', () => {
    const { devices, problems } = parseRegistryCsv(
      ['device_id,dept,interval_seconds', 'a,env', 'b,env,5m', ',env,60', 'c,env,0', 'd,env,60,t,extra', 'e,env,60'].join('\n'),
      'x',
    );
    expect(devices.map((d) => d.id)).toEqual(['e']);
    expect(problems).toEqual([
      'line 1: the header must be device_id,department,interval_seconds[,type], not device_id,dept,interval_seconds',
      'line 2: expected device_id,department,interval_seconds[,type], got 2 values',
      'line 3: interval_seconds of "b" must be a whole number of seconds, at least 1 (not "5m")',
      'line 4: no device_id',
      'line 5: interval_seconds of "c" must be a whole number of seconds, at least 1 (not "0")',
      'line 6: expected device_id,department,interval_seconds[,type], got 5 values',
    ]);
  });
});

describe('buildRegistry', () => {
  it('indexes devices by id and refuses duplicates and impossible intervals', () => {
    const { registry, problems } = buildRegistry([
      { id: 'a', department: 'env', intervalSeconds: 60 },
      { id: 'a', department: 'water', intervalSeconds: 30 },
      { id: 'b', department: 'env', intervalSeconds: 1.5 },
      { id: '', department: 'env', intervalSeconds: 60 },
    ]);
    expect([...registry.keys()]).toEqual(['a']);
    expect(registry.get('a')?.department).toBe('env');
    expect(problems).toEqual([
      'device "a" is listed twice',
      'device "b": interval_seconds must be a whole number of seconds, at least 1 (not 1.5)',
      'a device without an id',
    ]);
  });
});
