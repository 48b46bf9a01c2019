import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { listPackageFolder, readPackageFile } from '../util/package-files.js';
import { packageRoot } from '../util/package-root.js';
import { isRecord } from './validation-issue.js';

/**
 * The project's own CRDs in `crds/`, read once on first use: every served version's `openAPIV3Schema` by
 * `apiVersion/kind`. The schema checks (crd-schemas.ts) and the diff's list types (diff/list-types.ts) read
 * them from here. Parsed with js-yaml, which the plan loader has loaded already: `diff` reads the APIManager
 * CRD for its list types, and `yaml`'s parser took about 0.1 s of its CPU for these five files.
 */

/** A loaded CRD version: where it came from and its schema. */
export interface CrdVersion {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: Record<string, unknown>;
}

let crdIndex: Map<string, CrdVersion> | undefined;

/** The folder holding the project's CRDs, resolved relative to this module (works from src/ and build/src/). */
export function crdDirectory(): string {
  return join(packageRoot(), 'crds');
}

/** Every custom `apiVersion/kind` a CRD in crds/ defines (served versions only), e.g. `apps.3scale.net/v1alpha1/APIManager`. */
export function knownCustomKinds(): string[] {
  return [...loadIndex().keys()].sort();
}

/** The served CRD version defining `apiVersion`/`kind`, or `undefined` when no CRD in crds/ defines it. */
export function crdVersion(apiVersion: string, kind: string): CrdVersion | undefined {
  return loadIndex().get(`${apiVersion}/${kind}`);
}

function loadIndex(): Map<string, CrdVersion> {
  if (crdIndex !== undefined) {
    return crdIndex;
  }
  const index = new Map<string, CrdVersion>();
  for (const name of listPackageFolder('crds').filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))) {
    const file = `crds/${name}`;
    for (const crd of parseCrdFile(file)) {
      if (!isRecord(crd) || crd.kind !== 'CustomResourceDefinition' || !isRecord(crd.spec)) {
        continue;
      }
      const { group, names, versions } = crd.spec;
      if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) {
        throw new Error(`${file} is not a complete apiextensions.k8s.io/v1 CustomResourceDefinition.`);
      }
      for (const version of versions) {
        if (!isRecord(version) || version.served !== true || typeof version.name !== 'string') {
          continue;
        }
        const schema = isRecord(version.schema) ? version.schema.openAPIV3Schema : undefined;
        if (!isRecord(schema)) {
          throw new Error(`${file} has no openAPIV3Schema for version ${version.name}.`);
        }
        const apiVersion = `${group}/${version.name}`;
        index.set(`${apiVersion}/${names.kind}`, { file, apiVersion, kind: names.kind, schema });
      }
    }
  }
  crdIndex = index;
  return index;
}

/** The documents of one CRD file of the package. */
function parseCrdFile(file: string): unknown[] {
  try {
    return loadAll(readPackageFile(file));
  } catch (err) {
    throw new Error(`${file} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
