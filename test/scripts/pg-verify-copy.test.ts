/**
 * Specification of charts/scripts/pg-verify-copy.sh on real PostgreSQL 15 servers: after pg-copy.sh has copied a
 * database, the verify step recomputes on the target (and on the source while it answers) what the copy recorded
 * in its evidence manifest, and fails naming the table that differs: a row written to the target after the copy,
 * a value changed there, a row written to the old server after the copy (lost for the new one). Read-only, and no
 * credential in anything it prints or records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBinaries, containsSecret, failInCiIfMissing, freePort, PG_SERVER_BINARIES, pgBinDir, runScript, type ScriptResult, skipSuite, startPostgres, type PgServer } from '../support/db-servers.js';

const bins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);

const SRC_PW = 'src-Verify-pw-5c1e9a';
const TGT_PW = 'tgt-Verify-pw-77d0b3';
const ADMIN_PW = 'adm-Verify-pw-2b8f4c';

const DATA_SQL = `
CREATE TABLE accounts (id int PRIMARY KEY, org_name text, state text);
INSERT INTO accounts SELECT g, 'org ' || g, 'approved' FROM generate_series(1, 50) g;
CREATE TABLE "Odd Name" (k text);
INSERT INTO "Odd Name" VALUES ('x'), ('y');
CREATE SEQUENCE tickets;
SELECT setval('tickets', 9);
GRANT SELECT ON accounts TO reporting_verify;
`;

describe.skipIf(skipSuite(bins))('pg-verify-copy.sh (PostgreSQL 15)', () => {
  let src: PgServer;
  let tgt: PgServer;
  let work: string;
  let seq = 0;
  const outputs: string[] = [];

  beforeAll(async () => {
    failInCiIfMissing(bins, 'postgresql');
    work = await mkdtemp(join(tmpdir(), 'tsm-pgverify-'));
    [src, tgt] = await Promise.all([startPostgres(), startPostgres()]);
    // reporting_verify exists on both servers; source_only only on the old one (a managed copy drops its grant).
    await src.sql(`CREATE ROLE system LOGIN PASSWORD '${SRC_PW}'; CREATE ROLE reporting_verify NOLOGIN; CREATE ROLE source_only NOLOGIN;`);
    await tgt.sql(`CREATE ROLE system LOGIN PASSWORD '${TGT_PW}'; CREATE ROLE rdsadmin LOGIN CREATEROLE PASSWORD '${ADMIN_PW}'; CREATE ROLE reporting_verify NOLOGIN;`);
  });

  afterAll(async () => {
    await Promise.all([src?.stop(), tgt?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A source database with DATA_SQL copied by pg-copy.sh into a new target database; returns the env of both steps. */
  async function copied(
    managed = false,
    opts: { parallel?: boolean; pathPrefix?: string[] } = {},
  ): Promise<{ env: Record<string, string>; srcDb: string; tgtDb: string; copy: ScriptResult }> {
    const n = ++seq;
    const srcDb = `src_${n}`;
    const tgtDb = `tgt_${n}`;
    await src.sql(`CREATE DATABASE ${srcDb} OWNER system;`);
    await src.sql(`SET ROLE system; ${DATA_SQL} ${managed ? 'GRANT SELECT ON accounts TO source_only;' : ''}`, srcDb);
    await tgt.sql(`CREATE DATABASE ${tgtDb} OWNER ${managed ? 'rdsadmin' : 'system'};`);
    const env: Record<string, string> = {
      SOURCE_PGHOST: src.host,
      SOURCE_PGPORT: String(src.port),
      SOURCE_PGDATABASE: srcDb,
      SOURCE_PGUSER: 'system',
      SOURCE_PGPASSWORD: SRC_PW,
      TARGET_PGHOST: tgt.host,
      TARGET_PGPORT: String(tgt.port),
      TARGET_PGDATABASE: tgtDb,
      TARGET_PGUSER: managed ? 'rdsadmin' : 'system',
      TARGET_PGPASSWORD: managed ? ADMIN_PW : TGT_PW,
      EVIDENCE_FILE: join(work, `${tgtDb}.evidence`),
      ...(managed ? { PG_RESTORE_NO_OWNER: 'true', PG_RESTORE_NO_ACL: 'true' } : {}),
      ...(opts.parallel ? { PARALLEL_JOBS: '2' } : {}),
    };
    const copy = await runScript('pg-copy.sh', env, { timeoutMs: 120_000, pathPrefix: opts.pathPrefix });
    outputs.push(copy.stdout, copy.stderr);
    expect(copy.code, copy.stderr).toBe(0);
    return { env, srcDb, tgtDb, copy };
  }

  async function verify(env: Record<string, string>): Promise<ScriptResult & { record: string }> {
    const r = await runScript('pg-verify-copy.sh', { ...env, COPY_STEP: 'pg-copy' }, { timeoutMs: 120_000 });
    const record = await readFile(env.EVIDENCE_FILE!, 'utf8');
    outputs.push(r.stdout, r.stderr, record);
    return { ...r, record };
  }

  it('GIVEN a finished copy WHEN verified THEN it passes, the source unchanged, and records Succeeded', async () => {
    // GIVEN
    const { env } = await copied();

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.record).toContain('pg-verify-copy.phase=Succeeded');
    expect(r.record).toMatch(/pg-verify-copy\.result=target equals the copy of step pg-copy: 2 tables .*source: unchanged/);
    expect(r.record).toMatch(/^pg-copy\.manifest=[A-Za-z0-9+/]+$/m);
  });

  it('GIVEN a row written to the target after the copy WHEN verified THEN it fails naming the table and both row counts', async () => {
    // GIVEN
    const { env, tgtDb } = await copied();
    await tgt.sql(`INSERT INTO accounts VALUES (51, 'late', 'pending');`, tgtDb);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`target system@${tgt.host}:${tgt.port}/${tgtDb}: table public.accounts rows: 50 at the copy, 51 now`);
    expect(r.stderr).toContain('table public.accounts sha256: sha256:');
    expect(r.stderr).not.toContain('"Odd Name"');
    expect(r.record).toContain('pg-verify-copy.phase=Failed');
    expect(r.record).toMatch(/pg-verify-copy\.result=failed \(exit 1\): the data differs from what copy step pg-copy copied: target .*table public.accounts/);
  });

  it('GIVEN a value changed on the target (same row count) WHEN verified THEN it fails naming that table by its digest', async () => {
    // GIVEN
    const { env, tgtDb } = await copied();
    await tgt.sql(`UPDATE "Odd Name" SET k = 'z' WHERE k = 'y';`, tgtDb);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/table public\."Odd Name" sha256: sha256:[0-9a-f]{12} at the copy, sha256:[0-9a-f]{12} now/);
    expect(r.stderr).not.toContain('table public.accounts');
  });

  it('GIVEN a row deleted from the target and a sequence moved WHEN verified THEN both are named', async () => {
    // GIVEN
    const { env, tgtDb } = await copied();
    await tgt.sql(`DELETE FROM accounts WHERE id = 7; SELECT nextval('tickets');`, tgtDb);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('table public.accounts rows: 50 at the copy, 49 now');
    expect(r.stderr).toContain('sequence public.tickets sha256:');
  });

  it('GIVEN a row written to the old server after the copy WHEN verified THEN it fails naming the source table, whose write the target lacks', async () => {
    // GIVEN
    const { env, srcDb } = await copied();
    await src.sql(`INSERT INTO accounts VALUES (99, 'written to the old server', 'approved');`, srcDb);

    // WHEN
    const r = await verify(env);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`source system@${src.host}:${src.port}/${srcDb} (written to after the copy: those writes are not on the target): table public.accounts rows: 50 at the copy, 51 now`);
    expect(r.stderr).not.toMatch(/target system@[^:]*:\d+\/tgt_\d+: table/);
  });

  it('GIVEN the old server stopped (nothing answers on its port) WHEN verified THEN the target alone is compared and the step says so', async () => {
    // GIVEN
    const { env } = await copied();
    const closed = await freePort();

    // WHEN
    const r = await verify({ ...env, SOURCE_PGPORT: String(closed), SOURCE_CONNECT_TIMEOUT: '2' });

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('does not answer (stopped at the cut-over?)');
    expect(r.record).toMatch(/pg-verify-copy\.result=.*source: not reachable/);
  });

  it('GIVEN a managed-mode copy (owners and grants of the target user, a grant of a missing role dropped) WHEN verified with the source up THEN it passes', async () => {
    // GIVEN the source grants SELECT to reporting_verify, which the target has (on-cluster) or not (managed: dropped)
    const { env } = await copied(true);

    // WHEN
    const r = await verify(env);

    // THEN the source's own grants are compared with what the source had, the target's with what it was given
    expect(r.code, r.stderr).toBe(0);
    expect(r.record).toMatch(/source: unchanged/);
  });

  describe('a parallel copy, which leaves reading the target\'s rows back to this step', () => {
    it('GIVEN a parallel copy WHEN verified THEN the target\'s rows are read and equal the digests of the COPY streams the copy recorded', async () => {
      // GIVEN a copy table by table: its manifest says the row digests come from the streams
      const { env, copy } = await copied(false, { parallel: true });
      expect(copy.stderr).toContain('pg-verify-copy reads them back from the target before the cut-over');

      // WHEN
      const r = await verify(env);

      // THEN
      expect(r.code, r.stderr).toBe(0);
      expect(r.record).toMatch(/pg-verify-copy\.result=target equals the copy of step pg-copy: 2 tables .*source: unchanged/);
    });

    it('GIVEN rows altered on their way into the target (the stream hashed as the source sent it) WHEN the copy runs THEN it records the source\'s digest, AND WHEN verified THEN the step fails naming the table, before the cut-over changes anything', async () => {
      // GIVEN a tee that hashes the source's stream unchanged but hands the target one value changed (same row count)
      const dir = await mkdtemp(join(work, 'shim-tee-'));
      await writeFile(
        join(dir, 'tee'),
        `#!/usr/bin/env bash\nPATH="\${PATH#*:}" tee "$@" | sed 's/\torg 7\t/\torg 7 altered\t/'\n`,
      );
      await chmod(join(dir, 'tee'), 0o755);

      // WHEN the parallel copy runs through it
      const { env, tgtDb } = await copied(false, { parallel: true, pathPrefix: [dir] });
      expect(await tgt.sql(`SELECT org_name FROM accounts WHERE id = 7;`, tgtDb)).toBe('org 7 altered');

      // AND the copy is verified
      const r = await verify(env);

      // THEN the verify names the table by the digest of the rows the source sent, and not the untouched table
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/target system@[^:]+:\d+\/tgt_\d+: table public\.accounts sha256: sha256:[0-9a-f]{12} at the copy, sha256:[0-9a-f]{12} now/);
      expect(r.stderr).not.toContain('"Odd Name"');
      expect(r.record).toContain('pg-verify-copy.phase=Failed');
    });
  });

  it('GIVEN no manifest in the evidence (copy not run) WHEN verified THEN it fails in one sentence naming the copy step', async () => {
    // GIVEN
    const env = { TARGET_PGHOST: tgt.host, TARGET_PGPORT: String(tgt.port), TARGET_PGUSER: 'system', TARGET_PGPASSWORD: TGT_PW, EVIDENCE_FILE: join(work, 'empty.evidence') };

    // WHEN
    const r = await runScript('pg-verify-copy.sh', { ...env, COPY_STEP: 'copy-system-database' });
    outputs.push(r.stdout, r.stderr);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the evidence of copy step copy-system-database holds no manifest of what it copied');
  });

  it('GIVEN every run above WHEN their output and records are read THEN no password appears', () => {
    // GIVEN / WHEN
    const all = outputs.join('\n');

    // THEN
    expect(all.length).toBeGreaterThan(0);
    for (const pw of [SRC_PW, TGT_PW, ADMIN_PW]) expect(containsSecret(pw, all)).toBe(false);
  });
});
