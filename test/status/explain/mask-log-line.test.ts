import { describe, expect, test } from 'vitest';
import { SecretMasker } from '../../../src/diff/mask-secrets.js';
import { MAX_PRINTED_LINE, maskLogLine } from '../../../src/status/explain/mask-log-line.js';

describe('maskLogLine', () => {
  test('GIVEN URL passwords, key=value secrets and bearer tokens WHEN masked THEN no value is left and equal values get equal masks', () => {
    // GIVEN
    const masker = new SecretMasker();
    // WHEN
    const a = maskLogLine('Redis::CannotConnectError (redis://:hunter2@system-redis:6379/1)', masker);
    const b = maskLogLine('connect password=hunter2 token: "abc.def" Authorization: Bearer eyJ0.eyJ1', masker);
    const c = maskLogLine('{"db_password":"pw-9","secret_key_base":"s3"}', masker);
    // THEN
    expect(a).toBe('Redis::CannotConnectError (redis://:++++++++@system-redis:6379/1)');
    expect(b).toBe('connect password=++++++++ token: "++++++++++++++++" Authorization: Bearer ++++++++++++');
    expect(c).not.toMatch(/pw-9|s3"/);
  });

  test('GIVEN prose about passwords WHEN masked THEN it stays readable', () => {
    // GIVEN
    const masker = new SecretMasker();
    // WHEN / THEN
    expect(maskLogLine('FATAL:  password authentication failed for user "system"', masker)).toBe('FATAL:  password authentication failed for user "system"');
    expect(maskLogLine("Access denied for user 'root'@'10.0.0.1' (using password: YES)", masker)).toBe("Access denied for user 'root'@'10.0.0.1' (using password: YES)");
  });

  test('GIVEN terminal escapes and a very long line WHEN masked THEN escapes are dropped and the line is cut', () => {
    // GIVEN
    const masker = new SecretMasker();
    // WHEN
    const colored = maskLogLine('\u001b[31mERROR\u001b[0m boom\u0007', masker);
    const long = maskLogLine('x'.repeat(1000), masker);
    // THEN
    expect(colored).toBe('ERROR boom');
    expect(long).toHaveLength(MAX_PRINTED_LINE);
    expect(long.endsWith('…')).toBe(true);
  });
});
