import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';

export const WORKFLOWS_DIR = join(PROJECT_ROOT, 'workflows');
export const WORKFLOWS_PATH = join(WORKFLOWS_DIR, 'index.ts');
const BUILD_DIR = join(PROJECT_ROOT, '.build');
const BUNDLE_PATH = join(BUILD_DIR, 'workflow-bundle.js');
const HASH_PATH = join(BUILD_DIR, 'workflow-bundle.sha256');

/** Hash of the workflow sources, so a bundle built from other sources is never used. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    hash.update(file).update(readFileSync(join(WORKFLOWS_DIR, file)));
  }
  return hash.digest('hex');
}

/** A prebuilt bundle matching the current workflow sources, if `npm run setup` made one. */
export function prebuiltBundlePath(): string | undefined {
  if (!existsSync(BUNDLE_PATH) || !existsSync(HASH_PATH)) return undefined;
  return readFileSync(HASH_PATH, 'utf8').trim() === sourcesHash() ? BUNDLE_PATH : undefined;
}

/**
 * Bundles the workflows once, ahead of time: a worker that bundles at start-up runs webpack in its own
 * process, which costs seconds and leaves ~200 MB of heap behind for the rest of its life.
 */
export async function buildWorkflowBundle(): Promise<string> {
  const hash = sourcesHash();
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
  });
  mkdirSync(BUILD_DIR, { recursive: true });
  writeFileSync(BUNDLE_PATH, code);
  writeFileSync(HASH_PATH, hash);
  return BUNDLE_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildWorkflowBundle().then((path) => console.log(`workflow bundle: ${path}`));
}
