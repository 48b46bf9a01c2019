/**
 * The CustomResourceDefinitions a test API server serves: the project's own (crds/: APIManager, Subscription,
 * OperatorGroup, DeploymentConfig, ImageStream), the stand-ins for the OpenShift and OLM kinds a cluster serves
 * otherwise (./crds/), and any a suite adds. Installing waits until each is Established its group version
 * lists it in discovery and a LIST of it answers, so kubectl and the tool find it at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, sleep } from '../db-servers.js';
import { apiRequest, apiRequestOk, type ApiEndpoint } from './api-request.js';

interface Crd {
  readonly metadata: { readonly name: string };
  readonly spec: { readonly group: string; readonly names: { readonly plural: string }; readonly versions: readonly { readonly name: string; readonly served: boolean }[] };
}

const yamlFilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

/** The CRD files every test API server installs. */
export function defaultCrdFiles(): string[] {
  return [...yamlFilesIn(join(REPO_ROOT, 'crds')), ...yamlFilesIn(join(REPO_ROOT, 'test', 'support', 'real-api', 'crds'))];
}

function crdsIn(file: string): Crd[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => d !== null)
    .map((d) => {
      if ((d as unknown as { kind?: string }).kind !== 'CustomResourceDefinition') throw new Error(`${file}: expected only CustomResourceDefinitions`);
      return d;
    });
}

async function established(endpoint: ApiEndpoint, crd: Crd): Promise<boolean> {
  const got = (await apiRequestOk(endpoint, { method: 'GET', path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}` })) as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return (got.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/** Listed in discovery and its storage ready (until then a LIST answers 429 "storage is (re)initializing"). */
async function served(endpoint: ApiEndpoint, crd: Crd): Promise<boolean> {
  for (const v of crd.spec.versions.filter((x) => x.served)) {
    const groupVersion = `/apis/${crd.spec.group}/${v.name}`;
    const answer = await apiRequest(endpoint, { method: 'GET', path: groupVersion });
    const resources = (answer.body as { resources?: { name: string }[] } | undefined)?.resources ?? [];
    if (answer.status !== 200 || !resources.some((r) => r.name === crd.spec.names.plural)) return false;
    if ((await apiRequest(endpoint, { method: 'GET', path: `${groupVersion}/${crd.spec.names.plural}?limit=1` })).status !== 200) return false;
  }
  return true;
}

/** Creates the CRDs of `files` and waits (up to 60 s) until all are Established and served. */
export async function installCrds(endpoint: ApiEndpoint, files: readonly string[]): Promise<void> {
  const crds = files.flatMap(crdsIn);
  for (const crd of crds) await apiRequestOk(endpoint, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd });
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    while (!((await established(endpoint, crd)) && (await served(endpoint, crd)))) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not Established and served within 60 s`);
      await sleep(100);
    }
  }
}
