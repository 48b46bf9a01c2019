/**
 * The GitOps engines the tests drive, built from Go modules by test/envtest/build-gitops-engines.sh into
 * ${XDG_CACHE_HOME:-~/.cache}/threescale-migrate/envtest/: Flux's kustomize-controller and our harness around
 * Argo CD's gitops-engine and gopher-lua. Outside CI a missing binary skips the suites that need it, loudly;
 * with CI set they fail instead (.ci/run builds them before the tests).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { IN_CI } from './db-servers.js';
import { ROOT } from './plans.js';

const ENVTEST = join(ROOT, 'test', 'envtest');

/** Cache root shared with the real API server's binaries. */
export function envtestCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threescale-migrate', 'envtest');
}

/** The kustomize-controller release pinned in test/envtest/flux/go.mod. */
export function fluxVersion(): string {
  const m = /github\.com\/fluxcd\/kustomize-controller (v\S+)/.exec(readFileSync(join(ENVTEST, 'flux', 'go.mod'), 'utf8'));
  if (!m) throw new Error('test/envtest/flux/go.mod: no github.com/fluxcd/kustomize-controller requirement');
  return m[1]!;
}

/** The cache key of the harness: its sources, as the build script computes it. */
function argoHarnessKey(): string {
  const dir = join(ENVTEST, 'argo');
  const goFiles = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', ...goFiles]) h.update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/** Path of the built kustomize-controller, or undefined when it is not built. */
export function kustomizeControllerBinary(): string | undefined {
  const path = join(envtestCache(), `kustomize-controller-${fluxVersion()}`, 'kustomize-controller');
  return existsSync(path) ? path : undefined;
}

/** Path of the built argo-harness for the current sources, or undefined when it is not built. */
export function argoHarnessBinary(): string | undefined {
  const path = join(envtestCache(), `argo-harness-${argoHarnessKey()}`, 'argo-harness');
  return existsSync(path) ? path : undefined;
}

/** A binary a suite needs: present, or a loud warning (skip) outside CI and a failure in CI. */
export interface EngineCheck {
  readonly path: string | undefined;
  readonly skip: boolean;
  /** Call in beforeAll: throws in CI when the binary is missing. */
  readonly require: () => string;
}

export function checkEngine(label: string, path: string | undefined): EngineCheck {
  const hint = 'build it with: bash test/envtest/build-gitops-engines.sh';
  if (!path) console.warn(`\n!!! ${label} tests ${IN_CI ? 'FAIL' : 'are SKIPPED'}: ${label} is not built; ${hint}\n`);
  return {
    path,
    skip: !path && !IN_CI,
    require: () => {
      if (!path) throw new Error(`${label} is not built (CI is set, so this fails instead of skipping); ${hint}`);
      return path;
    },
  };
}

/** The Flux CRDs the build script copies beside kustomize-controller (Kustomization and the source kinds); empty when not built. */
export function fluxCrdFiles(): string[] {
  const dir = join(envtestCache(), `kustomize-controller-${fluxVersion()}`, 'crds');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)) : [];
}
