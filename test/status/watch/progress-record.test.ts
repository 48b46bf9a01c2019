import { describe, expect, it } from 'vitest';
import { FINISH_PER_SETUP, formatAmount, formatDuration, INDEX_BYTE_COST, progressOf, timeLeftMs, windowBudgetMs } from '../../../src/status/watch/progress-record.js';
import { progressText, windowOpenedAt } from '../../../src/status/watch/watch-screen.js';

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
    // AND an index build shorter than a second is not yet its own rate: 1000 data bytes and 10 index bytes at 2
    // units each are 1020 units in 100.5 s, and the 90 index bytes left are 180 units at that rate
    const justStarted = progressOf({ ...record('1010/1100 bytes', '2026-01-01T10:00:00Z', '2026-01-01T10:01:40.500Z'), 'copy.progressIndexes': '10/100 bytes 0.5s' }, 'copy')!;
    expect(timeLeftMs(justStarted)).toBe(Math.round((180 * 100_500) / 1020));
  });

  it('GIVEN a parallel copy whose index builds run beside other tables\' loads WHEN the time left is asked THEN an index byte costs what the sessions\' own seconds say, and the work left goes at the rate of the work done since the setup', () => {
    // GIVEN 20 s after the start, after 2 s of setup: 1000 of 2000 data bytes loaded in 40 session-seconds
    // (several loads at once), 50 of 200 index bytes built in 8 session-seconds: an index byte costs
    // (8 / 50) / (40 / 1000) = 4 data bytes
    const p = progressOf(
      {
        ...record('1050/2200 bytes', '2026-01-01T10:00:00Z', '2026-01-01T10:00:20Z'),
        'copy.progressIndexes': '50/200 bytes 8.0s',
        'copy.progressData': '1000/2000 bytes 40.0s',
        'copy.progressStage': 'copy 2.0s 18.0s',
      },
      'copy',
    )!;
    expect(p.data).toEqual({ done: 1000, total: 2000, seconds: 40 });
    expect(p.stage).toEqual({ name: 'copy', setupSeconds: 2, seconds: 18 });
    // THEN 1000 + 4 x 50 = 1200 units done in 18 s, 1000 + 4 x 150 = 1600 left: 24 s, and the finish stage to
    // come (as long as the setup)
    expect(FINISH_PER_SETUP).toBe(1);
    expect(timeLeftMs(p)).toBe(24_000 + 2_000);
    // (read as stages one after the other, the data would have taken 12 s of the 20, an index byte 13.3 data
    // bytes, and the estimate said 36 s)
    expect(timeLeftMs({ ...p, data: undefined, stage: undefined })).toBe(36_000);
  });

  it('GIVEN the stages of a copy WHEN the time left is asked THEN unknown in the setup, the finish to come once every amount is done, and what is left of the finish in it', () => {
    const at = (stage: string, progress = '2200/2200 bytes') => progressOf({ ...record(progress, '2026-01-01T10:00:00Z', '2026-01-01T10:00:40Z'), 'copy.progressStage': stage }, 'copy')!;
    // GIVEN the setup (the schema), nothing moved yet
    expect(timeLeftMs(at('setup 1.5s 1.5s', '0/2200 bytes'))).toBeUndefined();
    // AND every amount done, the copy stage not ended yet (the last table's statistics): the finish to come
    expect(timeLeftMs(at('copy 3.0s 37.0s'))).toBe(3_000);
    // AND the finish under way for 1 s of the 3 s the setup took
    expect(timeLeftMs(at('finish 3.0s 1.0s'))).toBe(2_000);
    // AND the finish longer than the setup was: no guess
    expect(timeLeftMs(at('finish 3.0s 3.5s'))).toBeUndefined();
    // AND every amount done in a copy without a setup (one pg_dump | pg_restore pipe, its last statements to run): no guess
    expect(timeLeftMs(at('copy 0.0s 40.0s'))).toBeUndefined();
    // AND a record without stages at its total: nothing left
    expect(timeLeftMs(progressOf(record('2200/2200 bytes'), 'copy')!)).toBe(0);
  });

  it('GIVEN a running copy in each stage WHEN its Job line is drawn THEN it names the setup and the finish, and says when the rest is unmeasured', () => {
    const line = (progress: string, stage: string, verdict = 'job-running') =>
      progressText({ ...record(progress, '2026-01-01T10:00:00Z', '2026-01-01T10:00:40Z'), 'copy.progressStage': stage }, 'copy', verdict);
    expect(line('0/2048 bytes', 'setup 1.5s 1.5s')).toBe('0 B of 2.0 KiB (0 %), setting up (schema), time left unknown yet');
    expect(line('1024/2048 bytes', 'copy 0.0s 40.0s')).toBe('1.0 KiB of 2.0 KiB (50 %), about 00:00:40 left');
    expect(line('2048/2048 bytes', 'finish 3.0s 1.0s')).toBe('2.0 KiB of 2.0 KiB (100 %), finishing (sequences, constraints, triggers), about 00:00:02 left');
    expect(line('2048/2048 bytes', 'copy 0.0s 40.0s')).toBe('2.0 KiB of 2.0 KiB (100 %), finishing (sequences, constraints, triggers), the rest unmeasured');
    // AND a Job that ended shows its amounts only
    expect(line('2048/2048 bytes', 'finish 3.0s 1.0s', 'job-succeeded')).toBe('2.0 KiB of 2.0 KiB (100 %)');
  });

  it('GIVEN a data or stage part that is hostile or does not fit the record WHEN read THEN it is ignored', () => {
    const base = { ...record('1100/2200 bytes'), 'copy.progressIndexes': '100/200 bytes 8.0s' };
    // GIVEN data parts that do not add up with the index part to the whole, or are malformed
    for (const data of ['999/2000 bytes 40.0s', '1000/1999 bytes 40.0s', '1000/2000 rows 40.0s', '1000/2000 bytes', '1000/2000 bytes -1s', '1000/2000 bytes 4s;rm']) {
      expect(progressOf({ ...base, 'copy.progressData': data }, 'copy')!.data, data).toBeUndefined();
    }
    // AND a data part without an index part
    expect(progressOf({ ...record('1100/2200 bytes'), 'copy.progressData': '1100/2200 bytes 40.0s' }, 'copy')!.data).toBeUndefined();
    for (const stage of ['done 1.0s 1.0s', 'copy 1.0s', 'copy -1.0s 1.0s', 'copy 1.0s 1.0s extra', '']) {
      expect(progressOf({ ...base, 'copy.progressStage': stage }, 'copy')!.stage, stage).toBeUndefined();
    }
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
