const base = process.env.DATAOPS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
// Two checkouts can run their integration tests side by side when each sets its own prefix.
const prefix = process.env.DATAOPS_TEST_DB_PREFIX ?? 'dataops_test';

/** The centre database the integration tests run against: recreated for every test run. */
export const TEST_DATABASE_URL = `${base}/${prefix}`;
/** A separate database playing a department's source system. */
export const TEST_SOURCE_DATABASE_URL = `${base}/${prefix}_source`;
/** MariaDB playing a department's database (root with an empty password on the development machine and in CI). */
const mariadbBase = process.env.DATAOPS_TEST_MARIADB ?? 'mysql://root@127.0.0.1:3306';
export const TEST_MARIADB_DATABASE = prefix;
export const TEST_MARIADB_SERVER_URL = `${mariadbBase}/`;
export const TEST_MARIADB_URL = `${mariadbBase}/${prefix}`;
