import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration, progressOf, timeLeftMs, windowBudgetMs } from '../../../src/status/watch/progress-record.js';
import { windowOpenedAt } from '../../../src/status/watch/watch-screen.js';

const record = (progress: string, startedAt = '2026-01-01T10:00:00Z', at = '2026-01-01T10:01:00Z') => ({
  'copy.progress': progress,
  'copy.progressStartedAt': startedAt,
  'copy.progressAt': at,
});

describe('progress records as status --watch reads them', () => {
  it('GIVEN a record at 25 % a minute after the start WHEN read THEN the time left is three minutes at that rate', () => {
    const p = progressOf(record('250/1000 rows'), 'copy')!;
    expect(p).toMatchObject({ done: 250, total: 1000, unit: 'rows' });
    expect(timeLeftMs(p)).toBe(180_000);
  });

  it('GIVEN nothing done yet, or done at the total WHEN the time left is asked THEN unknown, then zero', () => {
    expect(timeLeftMs(progressOf(record('0/1000 bytes'), 'copy')!)).toBeUndefined();
    expect(timeLeftMs(progressOf(record('1000/1000 bytes'), 'copy')!)).toBe(0);
  });

  it('GIVEN hostile or partial records WHEN read THEN there is no progress rather than a wrong one', () => {
    for (const data of [record('-1/10 rows') as Record<string, string>, record('1/10 rows; rm'), record('1/10 rows', 'yesterday'), { 'copy.progress': '1/10 rows' }, {}]) {
      expect(progressOf(data, 'copy')).toBeUndefined();
    }
    // AND another step's record is not this one's
    expect(progressOf(record('1/10 rows'), 'other')).toBeUndefined();
  });

  it('GIVEN amounts and durations WHEN formatted THEN bytes in binary multiples, rows as counts, durations as HH:MM:SS', () => {
    expect(formatAmount(512, 'bytes')).toBe('512 B');
    expect(formatAmount(1536 * 1024 ** 2, 'bytes')).toBe('1.5 GiB');
    expect(formatAmount(300500, 'rows')).toBe('300500 rows');
    expect(formatDuration(3_723_400)).toBe('01:02:03');
    expect(windowBudgetMs('1h30m')).toBe(5_400_000);
    expect(windowBudgetMs('90m')).toBe(5_400_000);
  });

  it('GIVEN Jobs of phases before and inside the window WHEN the window start is asked THEN the earliest creation or start of a window Job', () => {
    const job = (phase: string, created: string, started?: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: phase, annotations: { 'threescale-migrate.3scale.net/phase': phase }, creationTimestamp: created },
      ...(started ? { status: { startTime: started } } : {}),
    });
    const jobs = [job('preflight', '2026-01-01T09:00:00Z'), job('copy-data', '2026-01-01T10:00:05Z', '2026-01-01T10:00:07Z'), job('verify', '2026-01-01T11:00:00Z')];
    expect(windowOpenedAt(jobs, new Set(['scale-down', 'copy-data', 'verify']))).toBe(Date.parse('2026-01-01T10:00:05Z'));
    expect(windowOpenedAt(jobs.slice(0, 1), new Set(['copy-data']))).toBeUndefined();
  });
});
