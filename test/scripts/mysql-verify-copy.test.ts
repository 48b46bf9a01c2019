/**
 * Specification of charts/scripts/mysql-verify-copy.sh on real MariaDB servers: after mysql-copy.sh has loaded a
 * database into a managed-like target, the verify step recomputes on the target (and on the source while it
 * answers) the row counts and row checksums per table and the schema the copy recorded in its evidence manifest,
 * and fails naming the table that differs. Read-only; no credential and no row in what it prints or records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBinaries, containsSecret, failInCiIfMissing, freePort, MARIADB_BINARIES, runScript, type ScriptResult, skipSuite, startMariaDb, type MariaDbServer } from '../support/db-servers.js';

const bins = checkBinaries('mariadb', MARIADB_BINARIES);
const SRC_PW = 'mysql-Verify-src-pw-1f9c';
const TGT_PW = 'mysql-Verify-tgt-pw-8a2e';

describe.skipIf(skipSuite(bins))('mysql-verify-copy.sh (MariaDB)', () => {
  let src: MariaDbServer;
  let tgt: MariaDbServer;
  let work: string;
  let seq = 0;
  const outputs: string[] = [];

  beforeAll(async () => {
    failInCiIfMissing(bins, 'mariadb');
    work = await mkdtemp(join(tmpdir(), 'tsm-mysql-verify-'));
    [src, tgt] = await Promise.all([startMariaDb(), startMariaDb()]);
    await src.sql(`CREATE USER 'root'@'%' IDENTIFIED BY '${SRC_PW}'; GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;`);
    await tgt.sql(`CREATE USER 'admin'@'%' IDENTIFIED BY '${TGT_PW}'; GRANT ALL ON *.* TO 'admin'@'%';`);
  });

  afterAll(async () => {
    await Promise.all([src?.stop(), tgt?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A source database copied by mysql-copy.sh into a new target database; the env of both steps. */
  async function copied(pathPrefix: string[] = []): Promise<{ env: Record<string, string>; db: string }> {
    const db = `system_${++seq}`;
    await src.sql(`CREATE DATABASE ${db};`);
    await src.sql(
      `CREATE TABLE accounts (id INT PRIMARY KEY, org_name VARCHAR(64), balance FLOAT NOT NULL DEFAULT 0);
       INSERT INTO accounts VALUES (1, 'Org one', 16777216), (2, 'Org two', 0.5), (3, 'secret-row-text', 1);
       CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, action VARCHAR(32));
       INSERT INTO audit (action) VALUES ('create'), ('update');`,
      db,
    );
    const env = {
      SOURCE_MYSQL_URL: `mysql2://root:${encodeURIComponent(SRC_PW)}@${src.host}:${src.port}/${db}`,
      TARGET_MYSQL_HOST: tgt.host,
      TARGET_MYSQL_PORT: String(tgt.port),
      TARGET_MYSQL_USER: 'admin',
      TARGET_MYSQL_PASSWORD: TGT_PW,
      TARGET_MYSQL_DATABASE: db,
      EVIDENCE_FILE: join(work, `${db}.evidence`),
    };
    const copy = await runScript('mysql-copy.sh', env, { timeoutMs: 120_000, pathPrefix });
    outputs.push(copy.stdout, copy.stderr);
    expect(copy.code, copy.stderr).toBe(0);
    return { env, db };
  }

  async function verify(env: Record<string, string>): Promise<ScriptResult & { record: string }> {
    const r = await runScript('mysql-verify-copy.sh', { ...env, COPY_STEP: 'mysql-copy' }, { timeoutMs: 120_000 });
    const record = await readFile(env.EVIDENCE_FILE!, 'utf8');
    outputs.push(r.stdout, r.stderr, record);
    return { ...r, record };
  }

  it('GIVEN a finished copy WHEN verified THEN it passes with the source unchanged and records Succeeded', async () => {
    // GIVEN
    const { env } = await copied();

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.record).toMatch(/^mysql-verify-copy\.result=target equals the copy of step mysql-copy: 2 tables \(rows, checksum of each\), schema; source: unchanged$/m);
  });

  it('GIVEN a row written to the target after the copy WHEN verified THEN it fails naming the table and both row counts', async () => {
    // GIVEN
    const { env, db } = await copied();
    await tgt.sql(`INSERT INTO audit (action) VALUES ('late');`, db);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`target admin@${tgt.host}:${tgt.port}/${db}: table audit rows: 2 at the copy, 3 now`);
    expect(r.stderr).not.toContain('table accounts');
    expect(r.record).toMatch(/^mysql-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN a FLOAT value changed on the target in its last digits WHEN verified THEN it fails naming the table by its checksum', async () => {
    // GIVEN
    const { env, db } = await copied();
    await tgt.sql(`UPDATE accounts SET balance = 16777200 WHERE id = 1;`, db);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/table accounts checksum: crc:\d+:\d+ at the copy, crc:\d+:\d+ now/);
    expect(r.stderr).not.toContain('table accounts rows');
  });

  it('GIVEN one value altered on its way into the target (same row count) WHEN the copy runs THEN it records the source\'s checksums, AND WHEN verified THEN the step fails naming the table, before the cut-over changes anything', async () => {
    // GIVEN a mysqldump whose output reaches the target with one value changed
    const dir = await mkdtemp(join(work, 'shim-mysqldump-'));
    await writeFile(join(dir, 'mysqldump'), `#!/usr/bin/env bash\nset -o pipefail\nPATH="\${PATH#*:}" mysqldump "$@" | sed "s/'Org two'/'Org 2'/"\n`);
    await chmod(join(dir, 'mysqldump'), 0o755);

    // WHEN the copy runs through it: row counts and schema agree, so it succeeds
    const { env, db } = await copied([dir]);
    expect(await tgt.sql(`SELECT org_name FROM accounts WHERE id = 2;`, db)).toBe('Org 2');

    // AND the copy is verified
    const r = await verify(env);

    // THEN the verify names the altered table by the checksum the copy read from the source, and not the other one
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/target admin@[^:]+:\d+\/system_\d+: table accounts checksum: crc:\d+:\d+ at the copy, crc:\d+:\d+ now/);
    expect(r.stderr).not.toContain('table audit');
    expect(r.record).toMatch(/^mysql-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN a row written to the old server after the copy WHEN verified THEN it fails naming the source table', async () => {
    // GIVEN
    const { env, db } = await copied();
    await src.sql(`DELETE FROM audit WHERE id = 1;`, db);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(written to after the copy: those writes are not on the target): table audit rows: 2 at the copy, 1 now');
  });

  it('GIVEN the old server stopped WHEN verified THEN the target alone is compared and the step says so', async () => {
    // GIVEN
    const { env, db } = await copied();
    const closed = await freePort();

    // WHEN
    const r = await verify({ ...env, SOURCE_MYSQL_URL: `mysql2://root:${encodeURIComponent(SRC_PW)}@${src.host}:${closed}/${db}`, SOURCE_CONNECT_TIMEOUT: '2' });

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('does not answer (stopped at the cut-over?)');
    expect(r.record).toMatch(/source: not reachable$/m);
  });

  it('GIVEN every run above WHEN their output and records are read THEN no password and no row appears', () => {
    // GIVEN / WHEN
    const all = outputs.join('\n');

    // THEN
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [SRC_PW, TGT_PW, 'secret-row-text']) expect(containsSecret(secret, all)).toBe(false);
  });
});
