import { describe, expect, test } from 'vitest';
import type { Explanation } from '../../../src/status/explain/explain-failures.js';
import { renderExplanations } from '../../../src/status/explain/render-explanations.js';

const redis: Explanation = {
  signature: 'redis-unreachable',
  title: 'Redis unreachable',
  evidence: 'log',
  object: { kind: 'Pod', namespace: '3scale', name: 'system-app-1', container: 'system-master' },
  owner: { kind: 'Deployment', name: 'system-app' },
  line: 'Redis::CannotConnectError: Connection refused (redis://:++++++++@system-redis:6379/1)',
  occurrences: 3,
  meaning: 'A 3scale component cannot connect to the Redis of its connection Secret.',
  remedy: 'Check the Secrets.',
  source: '7.1.2.2',
  phase: '05-cutover',
  rollback: 'rollback/05-cutover',
  undo: 'to undo it, apply rollback/05-cutover',
};

describe('renderExplanations', () => {
  test('GIVEN an explanation and a note WHEN rendered without color THEN object, line, meaning, remedy, phase and rollback are printed, then the note', () => {
    // WHEN
    const text = renderExplanations({ explanations: [redis, { ...redis, signature: 'database-tls-required', title: 'System database demands TLS', occurrences: 1, phase: null, rollback: null, undo: 'none of this plan changes it; fix it where it is (the database server, the cluster)' }], notes: ['pod logs in namespace 3scale-db: forbidden (HTTP 403)'] }, { color: false });
    // THEN
    expect(text).toBe(
      [
        '',
        'explain (troubleshooting of the vendor procedure, chapter 7):',
        '! Redis unreachable: Pod 3scale/system-app-1 container system-master of Deployment system-app, 3 times',
        '    log: Redis::CannotConnectError: Connection refused (redis://:++++++++@system-redis:6379/1)',
        '    meaning: A 3scale component cannot connect to the Redis of its connection Secret. (7.1.2.2)',
        '    remedy: Check the Secrets.',
        '    phase: 05-cutover; to undo it, apply rollback/05-cutover',
        '! System database demands TLS: Pod 3scale/system-app-1 container system-master of Deployment system-app',
        '    log: Redis::CannotConnectError: Connection refused (redis://:++++++++@system-redis:6379/1)',
        '    meaning: A 3scale component cannot connect to the Redis of its connection Secret. (7.1.2.2)',
        '    remedy: Check the Secrets.',
        '    phase: none of this plan changes it; fix it where it is (the database server, the cluster)',
        '  not explained:',
        '  - pod logs in namespace 3scale-db: forbidden (HTTP 403)',
        '',
      ].join('\n'),
    );
  });

  test('GIVEN nothing recognized WHEN rendered THEN it says so', () => {
    // WHEN / THEN
    expect(renderExplanations({ explanations: [], notes: [] }, { color: false })).toContain('no known failure signature in the pod states, Warning Events and logs read');
  });
});
