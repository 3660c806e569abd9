const base = process.env.DATAOPS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

/** The centre database the integration tests run against: recreated for every test run. */
export const TEST_DATABASE_URL = `${base}/dataops_test`;
/** A separate database playing a department's source system. */
export const TEST_SOURCE_DATABASE_URL = `${base}/dataops_test_source`;
