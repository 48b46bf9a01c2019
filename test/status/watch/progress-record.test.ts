import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration, INDEX_BYTE_COST, progressOf, timeLeftMs, windowBudgetMs } from '../../../src/status/watch/progress-record.js';
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

  it('GIVEN a copy whose index build runs at its own rate WHEN the time left is asked THEN each part is weighed at its own rate, not the average', () => {
    // GIVEN 900 data bytes of 1000 copied in 60 s, then 50 of 100 index bytes built in 10 s (5 bytes/s, a third
    // of the data's 15 bytes/s)
    const building = progressOf({ ...record('950/1100 bytes', '2026-01-01T10:00:00Z', '2026-01-01T10:01:10Z'), 'copy.progressIndexes': '50/100 bytes 10.0s' }, 'copy')!;
    expect(building.indexes).toEqual({ done: 50, total: 100, seconds: 10 });
    // THEN 100 data bytes at 15/s and 50 index bytes at 5/s: 6.7 s + 10 s
    expect(timeLeftMs(building)).toBe(16_667);
    // (the average rate would say 150 bytes at 950/70 s: 11 s)
    expect(timeLeftMs({ ...building, indexes: undefined })).toBe(11_053);
  });

  it('GIVEN a copy still in its data WHEN the time left is asked THEN the index bytes to come count INDEX_BYTE_COST data bytes each', () => {
    // GIVEN 500 of 1000 data bytes in 50 s (10 bytes/s), no index build yet
    const copying = progressOf({ ...record('500/1100 bytes', '2026-01-01T10:00:00Z', '2026-01-01T10:00:50.000Z'), 'copy.progressIndexes': '0/100 bytes 0.0s' }, 'copy')!;
    // THEN 500 data bytes at 10/s and 100 index bytes at 5/s
    expect(INDEX_BYTE_COST).toBe(2);
    expect(timeLeftMs(copying)).toBe(70_000);
    // AND an index build shorter than a second is not yet its own rate
    const justStarted = progressOf({ ...record('1010/1100 bytes', '2026-01-01T10:00:00Z', '2026-01-01T10:01:40.500Z'), 'copy.progressIndexes': '10/100 bytes 0.5s' }, 'copy')!;
    expect(timeLeftMs(justStarted)).toBe(18_000);
  });

  it('GIVEN an index part that is hostile or does not fit the record WHEN read THEN the record is read without it', () => {
    for (const indexes of ['200/100 bytes 1.0s', '50/2000 bytes 1.0s', '50/100 rows 1.0s', '50/100 bytes', '50/100 bytes -1s', '50/100 bytes 1.0s; rm']) {
      const p = progressOf({ ...record('950/1100 bytes'), 'copy.progressIndexes': indexes }, 'copy')!;
      expect(p.indexes, indexes).toBeUndefined();
      expect(p.done).toBe(950);
    }
  });

  it('GIVEN nothing done yet, or done at the total WHEN the time left is asked THEN unknown, then zero', () => {
    expect(timeLeftMs(progressOf(record('0/1000 bytes'), 'copy')!)).toBeUndefined();
    expect(timeLeftMs(progressOf(record('1000/1000 bytes'), 'copy')!)).toBe(0);
  });

  it('GIVEN a first record with too little done or too little time to measure a rate WHEN the time left is asked THEN unknown, not hours', () => {
    // GIVEN 1 key of 30 000 after 0.7 s (a rate would say six hours), or 1 % after half a second
    expect(timeLeftMs(progressOf(record('1/30000 keys', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00.700Z'), 'copy')!)).toBeUndefined();
    expect(timeLeftMs(progressOf(record('299/30000 keys', '2026-01-01T10:00:00Z', '2026-01-01T10:01:00Z'), 'copy')!)).toBeUndefined();
    expect(timeLeftMs(progressOf(record('300/30000 keys', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00.500Z'), 'copy')!)).toBeUndefined();
    // THEN once 1 % is done over a second, the rate counts
    expect(timeLeftMs(progressOf(record('300/30000 keys', '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z'), 'copy')!)).toBe(99_000);
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
