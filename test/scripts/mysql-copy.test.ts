/**
 * Specification of charts/scripts/mysql-copy.sh against two real MariaDB servers on loopback (standing
 * in for the old system-mysql and a managed MySQL). The target's admin user has no SUPER / SET USER
 * privilege and the old definer user does not exist there, as on a managed service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBinaries,
  failInCiIfMissing,
  findBinary,
  MARIADB_BINARIES,
  run,
  runScript,
  skipSuite,
  startMariaDb,
  type MariaDbServer,
} from '../support/db-servers.js';
import { markUndone, recordOf } from '../support/undone-record.js';

const bins = checkBinaries('mariadb', MARIADB_BINARIES);
const SRC_PW = 'mysql-Src-pw-3e8a';
const TGT_PW = 'mysql-Tgt-pw-6d1b';
const TABLES = ['accounts', 'audit', 'users'];

describe.skipIf(skipSuite(bins))('mysql-copy.sh (MariaDB -> MariaDB, DEFINER removal)', () => {
  let src: MariaDbServer;
  let tgt: MariaDbServer;
  let work: string;
  let dbSeq = 0;

  beforeAll(async () => {
    failInCiIfMissing(bins, 'mariadb');
    work = await mkdtemp(join(tmpdir(), 'tsm-mysql-'));
    [src, tgt] = await Promise.all([startMariaDb(), startMariaDb()]);
    // Source: like system-mysql, root with a password over TCP; objects defined by a user that exists
    // only on the old server.
    await src.sql(`
      CREATE USER 'root'@'%' IDENTIFIED BY '${SRC_PW}';
      GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
      CREATE USER 'olddefiner'@'%' IDENTIFIED BY 'x';
      GRANT ALL ON *.* TO 'olddefiner'@'%';
      CREATE DATABASE system CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci;`);
    await src.sql(
      `
      CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, org_name VARCHAR(255) NOT NULL, state VARCHAR(32),
                             notes TEXT, logo BLOB, created_at DATETIME NOT NULL);
      CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, account_id INT NOT NULL, username VARCHAR(255),
                          KEY idx_users_account (account_id), CONSTRAINT fk_users_account FOREIGN KEY (account_id) REFERENCES accounts (id));
      CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, account_id INT, action VARCHAR(32));
      INSERT INTO accounts (org_name, state, notes, logo, created_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
        SELECT CONCAT('Org ', n, ' \\'quoted\\' ü'), IF(n % 3 = 0, NULL, 'approved'),
               IF(n = 7, 'text that looks like SQL: CREATE DEFINER=\`root\`@\`localhost\` VIEW v AS SELECT 1', NULL),
               UNHEX(MD5(n)), '2024-01-01 00:00:00' + INTERVAL n HOUR
        FROM seq;
      INSERT INTO users (account_id, username) SELECT id, CONCAT('user', id) FROM accounts WHERE id <= 300;
      CREATE DEFINER='olddefiner'@'%' SQL SECURITY DEFINER VIEW approved_accounts AS SELECT id, org_name FROM accounts WHERE state = 'approved';
      CREATE DEFINER='olddefiner'@'%' TRIGGER accounts_audit AFTER UPDATE ON accounts FOR EACH ROW INSERT INTO audit (account_id, action) VALUES (NEW.id, 'update');
      CREATE DEFINER='olddefiner'@'%' FUNCTION account_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM accounts);
      CREATE DEFINER='olddefiner'@'%' PROCEDURE touch_account(IN a INT) MODIFIES SQL DATA UPDATE accounts SET state = 'touched' WHERE id = a;
      CREATE DEFINER='olddefiner'@'%' EVENT nightly_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit WHERE id < 0;`,
      'system',
    );
    // Target: a managed-service-like admin, all the usual privileges but no SUPER / SET USER.
    await tgt.sql(`
      CREATE USER 'admin'@'%' IDENTIFIED BY '${TGT_PW}';
      GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES,
            CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE,
            EVENT, TRIGGER ON *.* TO 'admin'@'%';`);
  });

  afterAll(async () => {
    await Promise.all([src?.stop(), tgt?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  function env(db: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_MYSQL_HOST: src.host,
      SOURCE_MYSQL_PORT: String(src.port),
      SOURCE_MYSQL_USER: 'root',
      SOURCE_MYSQL_PASSWORD: SRC_PW,
      SOURCE_MYSQL_DATABASE: 'system',
      TARGET_MYSQL_HOST: tgt.host,
      TARGET_MYSQL_PORT: String(tgt.port),
      TARGET_MYSQL_USER: 'admin',
      TARGET_MYSQL_PASSWORD: TGT_PW,
      TARGET_MYSQL_DATABASE: db,
      EVIDENCE_FILE: join(work, `${db}.evidence`),
      ...extra,
    };
  }

  const newDbName = (): string => `threescale_${++dbSeq}`;

  async function fingerprint(server: MariaDbServer, db: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      out[t] = `${await server.sql(`SELECT COUNT(*) FROM \`${db}\`.${t}`)}:${(await server.sql(`CHECKSUM TABLE \`${db}\`.${t}`)).split('\t')[1]}`;
    }
    out['view'] = await server.sql(`SELECT COUNT(*) FROM \`${db}\`.approved_accounts`);
    out['function'] = await server.sql(`SELECT \`${db}\`.account_count()`);
    out['note7'] = await server.sql(`SELECT notes FROM \`${db}\`.accounts WHERE id = 7`);
    out['charset'] = await server.sql(`SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${db}'`);
    return out;
  }

  async function showCreates(db: string): Promise<string> {
    return [
      await tgt.sql(`SHOW CREATE VIEW \`${db}\`.approved_accounts`),
      await tgt.sql(`SHOW CREATE TRIGGER \`${db}\`.accounts_audit`),
      await tgt.sql(`SHOW CREATE FUNCTION \`${db}\`.account_count`),
      await tgt.sql(`SHOW CREATE PROCEDURE \`${db}\`.touch_account`),
      await tgt.sql(`SHOW CREATE EVENT \`${db}\`.nightly_cleanup`),
    ].join('\n');
  }

  it('a plain dump does NOT load on the managed-like target: the old DEFINER needs SUPER / SET USER', async () => {
    // GIVEN the unfiltered dump and a target database
    const db = newDbName();
    await tgt.sql(`CREATE DATABASE ${db}`);
    const dump = await run(findBinary('mysqldump')!, ['--no-defaults', '--protocol=TCP', '-h', src.host, '-P', String(src.port), '-uroot', '--routines', '--triggers', '--events', 'system'], {
      env: { MYSQL_PWD: SRC_PW },
    });
    expect(dump).toContain('DEFINER=`olddefiner`@`%`');
    // WHEN the admin loads it as is
    const load = run(findBinary('mysql')!, ['--no-defaults', '--protocol=TCP', '-h', tgt.host, '-P', String(tgt.port), '-uadmin', db], { env: { MYSQL_PWD: TGT_PW }, input: dump });
    // THEN the server refuses the foreign definer
    await expect(load).rejects.toThrow(/SUPER|SET USER/);
  });

  const modes = [
    ['one stream', { PARALLEL_JOBS: '1' }, ''],
    ['PARALLEL_JOBS=2: one stream per table, 2 at a time, then the views', { PARALLEL_JOBS: '2' }, '3 tables loaded 2 streams at a time (0 split into key ranges), then 1 views'],
    [
      'PARALLEL_JOBS=3, SPLIT_MIN_ROWS=1: the tables with rows split into ranges of their integer primary key, 3 streams at a time',
      { PARALLEL_JOBS: '3', SPLIT_MIN_ROWS: '1' },
      '3 tables loaded 3 streams at a time (2 split into key ranges), then 1 views',
    ],
  ] as const;
  for (const [mode, jobs, loaded] of modes) {
    it(`copies data, views, triggers, routines and events without the old DEFINER (${mode})`, async () => {
      // GIVEN a target database that does not exist yet
      const db = newDbName();
      // WHEN the script copies
      const r = await runScript('mysql-copy.sh', env(db, jobs));
      if (loaded) expect(r.stderr).toContain(loaded);
      // (users references accounts: its ranges load beside those of accounts, foreign key checks off as in a dump;
      // accounts has a BLOB column, so its ranges are mysqldump --where streams, those of users SELECT | LOAD DATA)
      if ('SPLIT_MIN_ROWS' in jobs) {
        expect(r.stderr).toContain('table accounts: 3 streams (mysqldump --where), one per range of its primary key id');
        expect(r.stderr).toContain('table users: 3 streams (SELECT | LOAD DATA), one per range of its primary key id');
      }
      // THEN it succeeds and the data is identical, including charset and text that merely looks like a DEFINER
      expect(r.stderr).toContain('row counts and schema match on all 3 tables (1300 rows)');
      expect(r.code).toBe(0);
      expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
      // AND no object names the old definer; all belong to the loading admin
      const creates = await showCreates(db);
      expect(creates).not.toContain('olddefiner');
      expect(creates.match(/DEFINER=`admin`@`%`/g)?.length).toBe(5);
      // AND the objects work: the procedure updates a row, the trigger writes the audit row
      await tgt.sql(`CALL \`${db}\`.touch_account(5)`);
      expect(await tgt.sql(`SELECT state FROM \`${db}\`.accounts WHERE id = 5`)).toBe('touched');
      expect(await tgt.sql(`SELECT COUNT(*) FROM \`${db}\`.audit WHERE account_id = 5`)).toBe('1');
      // AND the evidence record holds no secret
      const evidence = await readFile(join(work, `${db}.evidence`), 'utf8');
      expect(evidence).toMatch(/^mysql-copy\.phase=Succeeded$/m);
      for (const s of [SRC_PW, TGT_PW]) expect(r.stderr + r.stdout + evidence).not.toContain(s);
    });
  }

  it('GIVEN PARALLEL_JOBS=0 WHEN the copy starts THEN it fails naming the variable', async () => {
    const r = await runScript('mysql-copy.sh', env(newDbName(), { PARALLEL_JOBS: '0' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PARALLEL_JOBS must be at least 1');
  });

  it('takes the source from SOURCE_MYSQL_URL, the system-database URL with the root password percent-encoded (as the managed chart renders it)', async () => {
    // GIVEN only the URL for the source, as the operator writes it into system-database (mysql2://root:<pw>@host/system)
    const db = newDbName();
    const { SOURCE_MYSQL_HOST: _h, SOURCE_MYSQL_PORT: _p, SOURCE_MYSQL_USER: _u, SOURCE_MYSQL_PASSWORD: _pw, SOURCE_MYSQL_DATABASE: _d, ...rest } = env(db);
    const url = `mysql2://root:${encodeURIComponent(SRC_PW).replace(/-/g, '%2D')}@${src.host}:${src.port}/system`;
    // WHEN the copy runs
    const r = await runScript('mysql-copy.sh', { ...rest, SOURCE_MYSQL_URL: url });
    // THEN it copied from root@host:port/system, and the data is equal
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`source root@${src.host}:${src.port}/system:`);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
    // AND neither the password nor the URL is printed
    expect(r.stdout + r.stderr).not.toContain(SRC_PW);
    expect(r.stdout + r.stderr).not.toContain(url);
  });

  it('is idempotent: a rerun after success changes nothing and exits 0', async () => {
    // GIVEN a copied target
    const db = newDbName();
    expect((await runScript('mysql-copy.sh', env(db))).code).toBe(0);
    const created = await tgt.sql(`SELECT CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'accounts'`);
    // WHEN the script runs again
    const r = await runScript('mysql-copy.sh', env(db));
    // THEN it does nothing
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(await tgt.sql(`SELECT CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'accounts'`)).toBe(created);
  });

  it('GIVEN a copy whose record a rollback marked Undone WHEN the Job runs again with the source unchanged THEN it is already done and its record reads Succeeded again, the copy\'s fingerprint and manifest kept', async () => {
    // GIVEN a copied target, its record marked as kube/retire-jobs.sh marks it
    const db = newDbName();
    const file = join(work, `${db}.evidence`);
    expect((await runScript('mysql-copy.sh', env(db))).code).toBe(0);
    const copied = await recordOf(file, 'mysql-copy');
    await markUndone(file, 'mysql-copy', 'rollback/02-scale-down');
    const created = await tgt.sql(`SELECT CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'accounts'`);
    // WHEN it runs again (the new Job of the re-entered phase)
    const r = await runScript('mysql-copy.sh', env(db, { JOB_SHA256: 'cd'.repeat(32) }));
    // THEN nothing is loaded again
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(await tgt.sql(`SELECT CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'accounts'`)).toBe(created);
    // AND the record says Succeeded for this Job, with the keys of the copy that stands
    const now = await recordOf(file, 'mysql-copy');
    expect(now).toMatchObject({ phase: 'Succeeded', jobSha256: 'cd'.repeat(32) });
    expect(now.result).toMatch(/^already done \(the record read Undone\): source unchanged since the copy/);
    for (const key of ['inputsChecksum', 'sourceFingerprint', 'manifest']) expect(now[key], key).toBe(copied[key]);
    expect(copied.manifest?.length).toBeGreaterThan(0);
  });

  it('refuses a non-empty target without evidence, and TARGET_RESET=true replaces it', async () => {
    // GIVEN a target database with foreign tables
    const db = newDbName();
    await tgt.sql(`CREATE DATABASE ${db}; CREATE TABLE ${db}.foreign_stuff (x INT); INSERT INTO ${db}.foreign_stuff VALUES (1);`);
    // WHEN the script runs
    const refused = await runScript('mysql-copy.sh', env(db));
    // THEN it refuses and keeps the data
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/already holds 1 tables\/views\/routines.*TARGET_RESET=true/);
    expect(await tgt.sql(`SELECT COUNT(*) FROM ${db}.foreign_stuff`)).toBe('1');
    // WHEN it runs with TARGET_RESET=true
    const reset = await runScript('mysql-copy.sh', env(db, { TARGET_RESET: 'true' }));
    // THEN the database is recreated as a copy of the source
    expect(reset.code).toBe(0);
    expect(await tgt.sql(`SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'foreign_stuff'`)).toBe('0');
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
  });

  it('GIVEN the database absent WHEN copied THEN it is created (CREATE DATABASE IF NOT EXISTS, seed 5.2.4); GIVEN it present THEN it is used as it is', async () => {
    // GIVEN an absent target database
    const db = newDbName();
    expect(await tgt.sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${db}'`)).toBe('0');
    // WHEN copied
    const r = await runScript('mysql-copy.sh', env(db));
    // THEN it was created with the source's collation and filled
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`creating target database \`${db}\``);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
    // GIVEN an empty database created beforehand (as the seed does)
    const present = newDbName();
    await tgt.sql(`CREATE DATABASE \`${present}\` CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci`);
    // WHEN copied THEN nothing is created
    const again = await runScript('mysql-copy.sh', env(present));
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('creating target database');
  });

  it('GIVEN the database absent and a user without CREATE WHEN copied THEN one sentence names the database, the server and the privilege; nothing is created', async () => {
    // GIVEN a user who may read everything but create nothing
    await tgt.sql(`CREATE USER IF NOT EXISTS 'readonly'@'%' IDENTIFIED BY '${TGT_PW}'; GRANT SELECT, SHOW DATABASES, PROCESS ON *.* TO 'readonly'@'%';`);
    const db = newDbName();
    // WHEN
    const r = await runScript('mysql-copy.sh', env(db, { TARGET_MYSQL_USER: 'readonly' }));
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`cannot create database ${db} on readonly@127\\.0\\.0\\.1:\\d+/${db}: .*Access denied.* \\(the user needs CREATE on it, or create the database first: seed 5\\.2\\.4\\)`));
    expect(await tgt.sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${db}'`)).toBe('0');
    for (const s of [SRC_PW, TGT_PW]) expect(r.stderr + r.stdout).not.toContain(s);
  });

  it('fails clearly on a wrong password, without printing any password', async () => {
    // GIVEN a wrong target password
    const wrong = 'wrong-mysql-pw-77';
    // WHEN the script runs
    const r = await runScript('mysql-copy.sh', env(newDbName(), { TARGET_MYSQL_PASSWORD: wrong }));
    // THEN it fails with the server's message and prints no password
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot connect to target MySQL admin@127\.0\.0\.1:\d+: .*Access denied for user 'admin'/);
    for (const s of [wrong, SRC_PW, TGT_PW]) expect(r.stderr + r.stdout).not.toContain(s);
  });
});
