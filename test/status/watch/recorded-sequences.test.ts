/**
 * The time-left estimate of `status --watch` replayed over progress records that real copies wrote: 1 GiB copied by
 * pg-copy.sh between two PostgreSQL 15 servers, the records as the copy-progress bench saw them (its `sequence`,
 * kept in test/fixtures/progress/). Each record is read as the watch reads it and its estimate compared with the
 * time that really was left, to the last record.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progressOf, timeLeftMs, type JobProgress } from '../../../src/status/watch/progress-record.js';

interface Replayed {
  readonly p: JobProgress;
  readonly estimateMs: number | undefined;
  readonly realMs: number;
}

/** The records of a fixture, each with its estimate and the time really left after it was seen (0 for the last). */
function replay(name: string): Replayed[] {
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/progress', name), 'utf8')) as { sequence: Array<Record<string, string | number>> };
  const seen = fixture.sequence.map(({ seenAfterMs, ...data }) => ({ t: Number(seenAfterMs), p: progressOf(data as Record<string, string>, 'pg-copy')! }));
  const end = seen.at(-1)!.t;
  return seen.map(({ t, p }) => ({ p, estimateMs: timeLeftMs(p), realMs: end - t }));
}

const fromHalfWay = (rs: Replayed[]) => rs.filter((r) => r.p.done * 2 >= r.p.total);
const offBy = (r: Replayed) => Math.abs(r.estimateMs! - r.realMs) / r.realMs;

describe('the time-left estimate over recorded copies', () => {
  it('GIVEN the records of a streaming copy (data, then the primary key) WHEN each is read as the watch reads it THEN from half-way every estimate while the bytes move is within 30 % of the time really left, and at the total the rest is not guessed', () => {
    const records = fromHalfWay(replay('pg-copy-streaming-1gib.json'));
    const moving = records.filter((r) => r.p.done < r.p.total);
    expect(moving.length).toBeGreaterThanOrEqual(10);
    for (const r of moving) expect(offBy(r), `at ${r.p.done} of ${r.p.total}`).toBeLessThanOrEqual(0.3);
    // AND the records at the total (pg_restore's last statements, which no count sees) say nothing they cannot know
    const atTotal = records.filter((x) => x.p.done >= x.p.total);
    expect(atTotal.length).toBeGreaterThan(0);
    for (const r of atTotal) expect(r.estimateMs).toBeUndefined();
  });

  it('GIVEN the records of a parallel copy (four tables, each primary key built by its worker beside the other tables\' loads) WHEN each is read THEN from half-way every estimate while the bytes move is within 30 %, where the estimate that takes the stages as one after the other is not', () => {
    const records = fromHalfWay(replay('pg-copy-parallel-1gib.json'));
    const moving = records.filter((r) => r.p.done < r.p.total);
    expect(moving.length).toBeGreaterThanOrEqual(5);
    // THEN the builds ran beside the loads: their session-seconds add up to more than the time since the setup
    const last = moving.at(-1)!.p;
    expect(last.data!.seconds + last.indexes!.seconds).toBeGreaterThan((last.at - last.startedAt) / 1000);
    for (const r of moving) expect(offBy(r), `at ${r.p.done} of ${r.p.total}`).toBeLessThanOrEqual(0.3);
    // AND read as the earlier records were (no data seconds, no stage: data then indexes), some estimate is over 30 % off
    const serial = moving.map((r) => ({ ...r, estimateMs: timeLeftMs({ ...r.p, data: undefined, stage: undefined }) }));
    expect(Math.max(...serial.map(offBy))).toBeGreaterThan(0.3);
    // AND the finish stage (sequences, constraints, triggers) is announced with what is left of it, never below zero
    const finish = records.filter((r) => r.p.stage?.name === 'finish');
    expect(finish.length).toBeGreaterThan(0);
    for (const r of finish) expect(r.estimateMs === undefined || r.estimateMs >= 0).toBe(true);
  });
});
