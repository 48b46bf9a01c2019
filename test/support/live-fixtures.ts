/**
 * Access to the synthetic live exports (2.15, and 2.14 with DeploymentConfigs) and their list of fake secret values.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { readExportFile } from '../../src/live/export-file.js';

/** test/fixtures */
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The exported installs: two 2.15 ones, the PostgreSQL one as it was on 2.14 with DeploymentConfigs, and a 2.5 template install (procedure template-2.5-to-2.6). */
export const LIVE_FIXTURES = {
  postgresql: join(FIXTURES_DIR, 'live-2.15-postgresql.yaml'),
  mysql: join(FIXTURES_DIR, 'live-2.15-mysql.yaml'),
  'postgresql-dc': join(FIXTURES_DIR, 'live-2.14-postgresql-dc.yaml'),
  template: join(FIXTURES_DIR, 'live-2.5-template.yaml'),
} as const;

/** The lists of fake secret values, one per fixture generator. */
const FAKE_SECRET_LISTS = ['FAKE-SECRETS.md', 'FAKE-SECRETS-2.5-TEMPLATE.md'];

/** Objects of one fixture, as the export reader returns them. */
export async function loadLiveFixture(which: keyof typeof LIVE_FIXTURES): Promise<KubeObject[]> {
  return readExportFile(LIVE_FIXTURES[which]);
}

/** Every fake password/token listed in test/fixtures/FAKE-SECRETS*.md, plus their base64 forms. */
export function fakeSecretValues(): string[] {
  const values = FAKE_SECRET_LISTS.map((f) => readFileSync(join(FIXTURES_DIR, f), 'utf8'))
    .join('\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return [...values, ...values.map((v) => Buffer.from(v).toString('base64').replace(/=+$/, ''))];
}

/** The fake secret values that occur in `text`. */
export function leakedSecrets(text: string): string[] {
  return fakeSecretValues().filter((v) => text.includes(v));
}

/** One object of a list, by kind and name; throws when absent. */
export function pick(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`fixture has no ${kind} ${name}`);
  return found;
}
