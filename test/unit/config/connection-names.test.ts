import { describe, expect, it } from 'vitest';
import { databaseConnectionNames } from '../../../config/connections.ts';
import { connectionSchema } from '../../../schemas/connections.ts';
import type { Config } from '../../../schemas/config.ts';

describe('the database connections a scan covers by default', () => {
  it('are the centre, the configured postgres and mysql ones, and those defined only by environment, once each; brokers and folders are not', () => {
    const connections = {
      hr_system: connectionSchema.parse({ type: 'postgres', urlEnv: 'HR_URL' }),
      'civil-affairs': connectionSchema.parse({ type: 'mysql', url: 'mysql://x@h/db' }),
      drop: connectionSchema.parse({ type: 'files', root: '/srv' }),
      permits: connectionSchema.parse({ type: 'nats', url: 'nats://h:4222' }),
      iot: connectionSchema.parse({ type: 'mqtt', url: 'mqtt://h:1883' }),
    };
    const config = { connections } as unknown as Config;
    const env = {
      DATAOPS_CONNECTION_HR_SYSTEM: 'postgres://h/hr', // overrides hr_system's URL: not a second connection
      DATAOPS_CONNECTION_CIVIL_AFFAIRS: 'mysql://h/ca', // civil-affairs' override
      DATAOPS_CONNECTION_CENTRE: 'postgres://h/centre',
      DATAOPS_CONNECTION_TAX_DB: 'mariadb://h/tax',
      DATAOPS_CONNECTION_EMPTY: '',
      DATAOPS_CONNECTION_EVENTS: 'nats://h:4222',
      DATAOPS_CONNECTION_DEVICES: 'mqtts://h:8883',
      OTHER: 'x',
    };
    expect(databaseConnectionNames(config, env)).toEqual(['centre', 'civil-affairs', 'hr_system', 'tax_db']);
  });
});
