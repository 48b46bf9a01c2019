import { describe, expect, test } from 'vitest';
import { procedureById } from '../../../src/phases/registry.js';
import { FAILURE_SIGNATURES, matchSignature, signatureTableMarkdown } from '../../../src/status/explain/failure-signatures.js';

const PHASE_IDS = procedureById('externalize-on-cluster').phases.map((p) => p.id);

describe('the signature table', () => {
  test('GIVEN every signature WHEN its own example is matched where it is looked for THEN that signature, not an earlier one, recognizes it', () => {
    for (const s of FAILURE_SIGNATURES) {
      // WHEN
      const found = s.where.map((kind) => matchSignature(s.example, kind)).find((m) => m !== undefined);
      // THEN
      expect(found?.id, s.id).toBe(s.id);
    }
  });

  test('GIVEN every signature WHEN its fields are read THEN ids are unique, phases exist in the procedure and every chapter 7 error named by the brief is covered', () => {
    // GIVEN
    const ids = FAILURE_SIGNATURES.map((s) => s.id);
    // THEN
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of FAILURE_SIGNATURES) for (const p of s.phases) expect(PHASE_IDS, `${s.id}: ${p}`).toContain(p);
    for (const line of ["ActiveRecord::ConnectionNotEstablished: Unknown MySQL server host 'db'", "Unknown database 'system' (ActiveRecord::NoDatabaseError)", 'Redis::CannotConnectError: Bad file descriptor', "OOM command not allowed when used memory > 'maxmemory'."]) {
      expect(matchSignature(line, 'log'), line).toBeDefined();
    }
  });

  test('GIVEN a debug query line WHEN its duration is under or over a second THEN only the slow one is a signature', () => {
    // WHEN / THEN
    expect(matchSignature('Settings Load (0.5ms)  SELECT settings.* FROM settings', 'log')).toBeUndefined();
    expect(matchSignature('Account Load (2031.0ms)  SELECT accounts.* FROM accounts', 'log')?.id).toBe('database-slow-query');
  });

  test('GIVEN a log line that looks like an Event reason WHEN matched as a log THEN Kubernetes-only signatures do not fire', () => {
    // WHEN / THEN
    expect(matchSignature('FailedScheduling: 0/3 nodes are available', 'log')).toBeUndefined();
    expect(matchSignature('FailedScheduling: 0/3 nodes are available', 'event')?.id).toBe('failed-scheduling');
  });

  test('GIVEN the scheduler message of the field report (seed 004) WHEN matched as an Event or pod state THEN it is the zonal volume conflict, not a plain capacity problem', () => {
    // GIVEN
    const message = '0/9 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/infra: }, 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }, 6 node(s) had volume node affinity conflict.';

    // WHEN / THEN
    expect(matchSignature(`FailedScheduling: ${message}`, 'event')?.id).toBe('volume-node-affinity-conflict');
    expect(matchSignature(`PodScheduled False: Unschedulable: ${message}`, 'pod-state')?.id).toBe('volume-node-affinity-conflict');
    expect(matchSignature('FailedScheduling: 0/6 nodes are available: 6 Insufficient memory.', 'event')?.id).toBe('failed-scheduling');
    expect(matchSignature(`FailedScheduling: ${message}`, 'log')).toBeUndefined();
  });

  test('GIVEN the table WHEN rendered for the README THEN there is one row per signature with its phases or "outside the migration"', () => {
    // WHEN
    const lines = signatureTableMarkdown().trimEnd().split('\n');
    // THEN
    expect(lines[0]).toBe('| signature | meaning (source) | remedy | phase |');
    expect(lines).toHaveLength(FAILURE_SIGNATURES.length + 2);
    expect(lines.find((l) => l.includes('Redis::CannotConnectError'))).toContain('`cutover`, `load-redis`');
    expect(lines.find((l) => l.includes('pg_hba'))).toContain('outside the migration');
  });
});
