/**
 * Specification of src/status/render-preflight.ts: the preflight checks as text lines for diff and status.
 */
import { describe, expect, test } from 'vitest';
import type { PreflightCheck } from '../../src/status/preflight-report.js';
import { preflightCheckLine, renderPreflightLines } from '../../src/status/render-preflight.js';

const check = (id: string, status: PreflightCheck['status'], extra: Partial<PreflightCheck> = {}): PreflightCheck => ({
  id,
  title: id,
  status,
  found: status === 'unknown' ? null : 'x',
  needed: 'y',
  source: 'z',
  fixedBy: null,
  detail: 'd',
  ...extra,
});

describe('preflightCheckLine', () => {
  test('GIVEN a failed check fixed by a phase, one fixed outside, an unknown and a passed one WHEN rendered THEN each line says found, needed and the fix or the reason', () => {
    expect(preflightCheckLine(check('a', 'failed', { fixedBy: 'cutover', detail: 'sets the flags' }))).toBe('✗ a: found x; needed y; fixed by phase cutover: sets the flags');
    expect(preflightCheckLine(check('b', 'failed'))).toBe('✗ b: found x; needed y; fix outside this tool: d');
    expect(preflightCheckLine(check('c', 'unknown', { detail: 'forbidden' }))).toBe('? c: unknown: forbidden (needed y)');
    expect(preflightCheckLine(check('d', 'passed'))).toBe('✓ d: found x');
  });
});

describe('renderPreflightLines', () => {
  const report = { requirements: 'vendor' as const, checks: [check('ok', 'passed'), check('why', 'unknown'), check('bad', 'failed')], failed: ['bad'] };

  test('GIVEN mixed checks WHEN rendered THEN the failed come first, then the unknown, then the passed by id', () => {
    expect(renderPreflightLines(report)).toEqual([
      'preflight checks for 3scale 2.16 (vendor requirements): 1 failed, 1 unknown, 1 passed',
      '  ✗ bad: found x; needed y; fix outside this tool: d',
      '  ? why: unknown: d (needed y)',
      '  ✓ passed: ok',
    ]);
  });

  test('GIVEN failedOnly WHEN rendered THEN only the failed are listed, and nothing at all when none failed', () => {
    expect(renderPreflightLines(report, { failedOnly: true })).toHaveLength(2);
    expect(renderPreflightLines({ ...report, checks: [check('ok', 'passed')], failed: [] }, { failedOnly: true })).toEqual([]);
  });

  test('GIVEN no checks WHEN rendered THEN nothing is printed', () => {
    expect(renderPreflightLines({ requirements: 'operator', checks: [], failed: [] })).toEqual([]);
  });
});
