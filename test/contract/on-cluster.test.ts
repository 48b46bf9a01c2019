/**
 * Specification of src/contract/on-cluster.ts: the names this tool writes into a cluster and reads back are
 * spelled once. The Jobs' bash writes evidence records and labels that the TypeScript readers understand
 * (real bash, the scripts' own libraries), and no source or script outside the contract module spells them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  backupSecretName,
  contractEnv,
  EVIDENCE_CONFIGMAP,
  evidenceField,
  evidenceKey,
  isPartial,
  isPhaseLocal,
  KEYS,
  migrationOf,
  ownLabels,
  phaseOf,
} from '../../src/contract/on-cluster.js';
import { REPO_ROOT, SCRIPTS_DIR } from '../support/db-servers.js';

const work = mkdtempSync(join(tmpdir(), 'tsm-contract-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a bash snippet after sourcing the given script libraries, with `env` added; fails on a non-zero exit. */
function bash(libraries: readonly string[], snippet: string, env: Record<string, string>): string {
  const source = libraries.map((l) => `. ${JSON.stringify(join(SCRIPTS_DIR, l))}`).join('\n');
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', `${source}\n${snippet}`], { env: { PATH: process.env.PATH ?? '', WORK: work, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bash exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Every file below `dir` whose name ends with one of `suffixes`. */
function files(dir: string, suffixes: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path, suffixes);
    return suffixes.some((s) => e.name.endsWith(s)) ? [path] : [];
  });
}

/** Lines of code (comments left out) of a file that contain `needle`, as `path:line`. */
function codeLinesWith(path: string, needle: RegExp): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, at: `${relative(REPO_ROOT, path)}:${i + 1}` }))
    .filter(({ line }) => !/^\s*(#|\/\/|\*|\/\*\*)/.test(line) && needle.test(line))
    .map(({ at }) => at);
}

describe('the on-cluster contract', () => {
  test('GIVEN a step record written by the Jobs\' evidence.sh WHEN read through the contract THEN every field the script wrote is found under its key', () => {
    // GIVEN the scripts' own evidence library writing a record to its file sink
    const file = join(work, 'evidence.env');
    bash(['lib/common.sh', 'lib/evidence.sh'], `evidence_init copy-system-database; EVIDENCE_SOURCE_FINGERPRINT=sha256:ab; EVIDENCE_TARGET_BASELINE=742; evidence_write Succeeded ${'a'.repeat(64)} "copied 3 tables"`, {
      EVIDENCE_FILE: file,
      JOB_SHA256: 'c'.repeat(64),
    });
    // WHEN the key=value lines become a ConfigMap's data and TypeScript reads them through the contract
    const data = Object.fromEntries(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const read = (field: Parameters<typeof evidenceField>[2]) => evidenceField(data, 'copy-system-database', field);
    // THEN each field is where the contract says, and nothing else was written
    expect([read('phase'), read('inputsChecksum'), read('jobSha256'), read('result'), read('sourceFingerprint'), read('targetBaseline')]).toEqual([
      'Succeeded',
      'a'.repeat(64),
      'c'.repeat(64),
      'copied 3 tables',
      'sha256:ab',
      '742',
    ]);
    expect(read('finishedAt')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const keys = (['phase', 'inputsChecksum', 'jobSha256', 'finishedAt', 'result', 'sourceFingerprint', 'targetBaseline'] as const).map((f) => evidenceKey('copy-system-database', f));
    expect(Object.keys(data).sort()).toEqual(keys.sort());
  });

  test('GIVEN the contract passed to a kube script as environment WHEN the script spells a label THEN TypeScript reads the same label', () => {
    // GIVEN the environment a Job gets, and a label value with characters bash could split on
    const env = Object.fromEntries(contractEnv('MANAGED_BY_LABEL', 'BACKUP_OF_LABEL', 'BACKUP_SUFFIX').map((e) => [e.name, e.value]));
    // WHEN kube/lib.sh turns MANAGED_BY_LABEL and the backup label into JSON members, as rewrite-secrets.sh does
    const out = bash(['kube/lib.sh'], 'printf \'{"name":"%s","labels":{%s,"%s":"system-redis"}}\' "system-redis$BACKUP_SUFFIX" "$(label_json "$MANAGED_BY_LABEL")" "$BACKUP_OF_LABEL"', env);
    const secret = JSON.parse(out) as { name: string; labels: Record<string, string> };
    // THEN the labels and the name are the ones the TypeScript side writes and reads
    expect(secret.labels).toEqual({ [KEYS.managedBy]: ownLabels('m')[KEYS.managedBy], [KEYS.backupOf]: 'system-redis' });
    expect(secret.name).toBe(backupSecretName('system-redis'));
  });

  test('GIVEN an object written with the contract\'s keys WHEN read back THEN the readers see what was written, and nothing on an object without them', () => {
    const written = { metadata: { labels: ownLabels('prod-3scale'), annotations: { [KEYS.partial]: 'true', [KEYS.scope]: 'phase', [KEYS.phase]: '03-copy-data' } } };
    expect([migrationOf(written), isPartial(written), isPhaseLocal(written), phaseOf(written)]).toEqual(['prod-3scale', true, true, '03-copy-data']);
    // A hostile or foreign object: values that merely look alike are not read as ours.
    const foreign = { metadata: { labels: { 'threescale-migrate.3scale.net/Migration': 'x' }, annotations: { [KEYS.partial]: 'True', [KEYS.scope]: 'phases' } } };
    expect([migrationOf(foreign), isPartial(foreign), isPhaseLocal(foreign), phaseOf(foreign), migrationOf({})]).toEqual([undefined, false, false, undefined, undefined]);
  });

  test('GIVEN the sources and the Jobs\' scripts WHEN searched for the contract\'s names THEN only the contract module spells them', () => {
    const names = new RegExp(
      [
        'threescale-migrate\\.3scale\\.net/(?!v1alpha1)',
        EVIDENCE_CONFIGMAP,
        'threescale-migrate-state',
        '-pre-migration',
        'app\\.kubernetes\\.io/managed-by',
      ].join('|'),
    );
    const sources = [...files(join(REPO_ROOT, 'src'), ['.ts']), ...files(join(REPO_ROOT, 'charts'), ['.ts', '.sh'])].filter((f) => !f.includes(join('src', 'contract')));
    const found = sources.flatMap((f) => codeLinesWith(f, names));
    expect(found).toEqual([]);
  });
});
