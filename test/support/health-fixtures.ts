/**
 * The health fixtures, one per state: test/fixtures/health/<kind>/<state>.yaml holds the live object (its
 * annotations `health.test/status` and `health.test/message` state the expected verdict and sentence), then
 * the related objects the rule may look up (the CSVs a Subscription's listing holds), or
 * `health.test/related: unreadable` when that listing could not be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RelatedLookup } from '../../src/health/health.js';
import { apiGroup, type KubeObject } from '../../src/kube/kube-object.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'health');

export interface HealthFixture {
  /** `<kind folder>/<state>`. */
  readonly name: string;
  readonly live: KubeObject;
  readonly related: readonly KubeObject[];
}

function loadFixture(folder: string, file: string): HealthFixture {
  const docs = parseAllDocuments(readFileSync(join(ROOT, folder, file), 'utf8')).map((d) => d.toJS() as KubeObject);
  return { name: `${folder}/${file.replace(/\.yaml$/, '')}`, live: docs[0]!, related: docs.slice(1) };
}

/** Every fixture, sorted by folder and file. */
export const HEALTH_FIXTURES: readonly HealthFixture[] = readdirSync(ROOT)
  .sort()
  .flatMap((folder) => readdirSync(join(ROOT, folder)).sort().map((file) => loadFixture(folder, file)));

/** A `health.test/<key>` annotation of the fixture. */
export const fixtureAnnotation = (f: HealthFixture, key: string): string | undefined => f.live.metadata.annotations?.[`health.test/${key}`];

/** The related objects as the fixture lists them (null for every lookup when it says the listing is unreadable). */
export function fixtureLookup(f: HealthFixture): RelatedLookup {
  return (ref) => {
    if (fixtureAnnotation(f, 'related') === 'unreadable') return null;
    return f.related.find((o) => apiGroup(o.apiVersion) === apiGroup(ref.apiVersion) && o.kind === ref.kind && o.metadata.namespace === ref.namespace && o.metadata.name === ref.name);
  };
}
