import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startDevServer, type DevServerHandle } from '../temporal/dev-server.ts';
import { migrateLatest } from '../db/migrate.ts';
import { closeAllDbs } from '../db/knex.ts';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';
import { WORKFLOWS_PATH } from '../workers/create-worker.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from './support/urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    workflowBundlePath: string;
  }
}

let server: DevServerHandle | undefined;

async function recreateDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** One real Temporal dev server (with UI) and fresh PostgreSQL databases for the whole run. */
export default async function setup(project: TestProject) {
  const integration = project.config.include.some((p) => p.includes('integration') || p === 'test/**/*.test.ts');
  if (!integration) return;
  await recreateDatabase(TEST_DATABASE_URL);
  await recreateDatabase(TEST_SOURCE_DATABASE_URL);
  await migrateLatest(TEST_DATABASE_URL);
  await closeAllDbs();
  server = await startDevServer({ readyTimeoutMs: 120_000 });
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
  });
  const dir = join(PROJECT_ROOT, '.state', 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl ?? '');
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await server?.stop();
  };
}
