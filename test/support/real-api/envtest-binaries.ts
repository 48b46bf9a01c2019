/**
 * Where the tests' real Kubernetes binaries are: the version-keyed cache that test/envtest/build.sh fills
 * (kube-apiserver, kubectl, etcd). The path is computed by build.sh alone (`build.sh --bin-dir`), so the
 * script and the tests cannot disagree.
 *
 * Missing binaries: a suite is skipped with a loud console.warn naming the command that builds them, except
 * when CI is set, where it fails (a CI run that silently skips proves nothing), like db-servers.ts does.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import { IN_CI, REPO_ROOT, type BinaryCheck } from '../db-servers.js';

/** The script that builds the binaries; prints their folder. */
export const ENVTEST_BUILD_SCRIPT = join(REPO_ROOT, 'test', 'envtest', 'build.sh');

/** What to run when the binaries are missing. */
export const ENVTEST_HINT = `build them with: bash test/envtest/build.sh (needs Go; .ci/run does it before npm test)`;

/** The binaries of one pinned release. */
export interface EnvtestBinaries {
  readonly dir: string;
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly etcd: string;
}

let cachedDir: string | undefined;

/** The folder build.sh builds into (computed by build.sh, cached for the process). */
export function envtestBinDir(): string {
  cachedDir ??= execFileSync('bash', [ENVTEST_BUILD_SCRIPT, '--bin-dir'], { encoding: 'utf8' }).trim();
  return cachedDir;
}

/** The paths of the three binaries (they may not exist; see {@link checkEnvtestBinaries}). */
export function envtestBinaries(): EnvtestBinaries {
  const dir = envtestBinDir();
  return { dir, kubeApiserver: join(dir, 'kube-apiserver'), kubectl: join(dir, 'kubectl'), etcd: join(dir, 'etcd') };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Checks that the three binaries are built; warns loudly when they are not. */
export function checkEnvtestBinaries(): BinaryCheck {
  const bins = envtestBinaries();
  const missing = [bins.kubeApiserver, bins.kubectl, bins.etcd].filter((p) => !isExecutable(p));
  if (missing.length > 0) {
    console.warn(`\n!!! real API server tests ${IN_CI ? 'FAIL' : 'are SKIPPED'}: missing ${missing.join(', ')}.\n!!! ${ENVTEST_HINT}\n`);
  }
  return { ok: missing.length === 0, missing };
}

/** Call in beforeAll: throws when the binaries are missing (with CI set the suite runs, so this fails it). */
export function failIfEnvtestMissing(check: BinaryCheck): void {
  if (!check.ok) throw new Error(`missing ${check.missing.join(', ')} (CI is set, so this fails instead of skipping); ${ENVTEST_HINT}`);
}
