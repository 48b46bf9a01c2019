/**
 * Progress records the copy scripts write while they run (charts/scripts/lib/progress.sh): in the evidence
 * ConfigMap, `<step>.progress` = `<done>/<total> <unit>`, `<step>.progressStartedAt` and `<step>.progressAt`;
 * from a copy that builds indexes, `<step>.progressIndexes` and `<step>.progressData` = `<done>/<total> <unit>
 * <s>s` (each part of done and total, and the seconds its sessions have taken, summed over the sessions); from a
 * copy that names its stages, `<step>.progressStage` = `<stage> <setup s>s <s in the stage>s`.
 */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly startedAt: number;
  readonly at: number;
  /** The part of done and total that index builds write, and the seconds they have taken so far. */
  readonly indexes?: ProgressPart;
  /** The part of done and total that data loads write, and the seconds they have taken so far. */
  readonly data?: ProgressPart;
  readonly stage?: ProgressStage;
}

export interface ProgressPart {
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

/**
 * Where the copy is: `setup` (schema and plan, nothing moves yet), `copy` (the amounts move) or `finish` (every
 * amount done; sequences, constraints and triggers left); the seconds its setup took, and the seconds in this stage.
 */
export interface ProgressStage {
  readonly name: 'setup' | 'copy' | 'finish';
  readonly setupSeconds: number;
  readonly seconds: number;
}

/** The record of `step` in the evidence data, or undefined when there is none (or it is malformed). */
export function progressOf(data: Readonly<Record<string, string>>, step: string): JobProgress | undefined {
  const m = /^(\d+)\/(\d+) ([a-z]+)$/.exec(data[`${step}.progress`] ?? '');
  const startedAt = Date.parse(data[`${step}.progressStartedAt`] ?? '');
  const at = Date.parse(data[`${step}.progressAt`] ?? '');
  if (!m || Number.isNaN(startedAt) || Number.isNaN(at)) return undefined;
  const base = { done: Number(m[1]), total: Number(m[2]), unit: m[3]!, startedAt, at };
  const stage = stageOf(data[`${step}.progressStage`]);
  const indexes = partOf(data[`${step}.progressIndexes`], base);
  // A part that does not fit in the whole is ignored; the data part only counts beside the index part, and the
  // two must add up to the whole.
  const dataPart = indexes && partOf(data[`${step}.progressData`], base);
  const data2 = dataPart && dataPart.done + indexes.done === base.done && dataPart.total + indexes.total === base.total ? dataPart : undefined;
  return { ...base, ...(indexes ? { indexes } : {}), ...(data2 ? { data: data2 } : {}), ...(stage ? { stage } : {}) };
}

function partOf(text: string | undefined, whole: { done: number; total: number; unit: string }): ProgressPart | undefined {
  const m = /^(\d+)\/(\d+) ([a-z]+) (\d+(?:\.\d+)?)s$/.exec(text ?? '');
  if (!m || m[3] !== whole.unit) return undefined;
  const part = { done: Number(m[1]), total: Number(m[2]), seconds: Number(m[4]) };
  return part.done > part.total || part.done > whole.done || part.total > whole.total ? undefined : part;
}

function stageOf(text: string | undefined): ProgressStage | undefined {
  const m = /^(setup|copy|finish) (\d+(?:\.\d+)?)s (\d+(?:\.\d+)?)s$/.exec(text ?? '');
  return m ? { name: m[1] as ProgressStage['name'], setupSeconds: Number(m[2]), seconds: Number(m[3]) } : undefined;
}

/**
 * Until an index build has run this long, its rate is not measured yet and an index byte is weighed as
 * INDEX_BYTE_COST data bytes.
 */
const MIN_INDEX_MS = 1000;

/**
 * What an index byte costs in time against a byte of data copied, before the copy's own index builds have
 * been measured: PostgreSQL 15 built the copy-progress bench's primary key (bench/copy-progress.ts) at about
 * half the rate of the COPY that loaded its table.
 */
export const INDEX_BYTE_COST = 2;

/**
 * The finish stage (after every amount is done: sequences and large objects, foreign keys and triggers, each a
 * pg_dump or pg_restore of a small archive) is expected to take FINISH_PER_SETUP times the setup stage (the
 * schema, also a small archive dumped and restored), as the copy-progress bench measured in parallel mode.
 */
export const FINISH_PER_SETUP = 1;

/**
 * A rate is measured only once this share of the total is done and MIN_RATE_MS have passed: a first record of
 * 1 key out of 30 000 after 0.7 s would otherwise say six hours.
 */
const MIN_DONE_SHARE = 0.01;
const MIN_RATE_MS = 1000;

/**
 * Milliseconds left, counted from the record's time; undefined while it cannot be told: before a rate can be
 * measured (less than MIN_DONE_SHARE of the total done, or less than MIN_RATE_MS elapsed), in the setup stage,
 * once every amount is done in a copy without a setup to measure its finish by, or in the finish stage once it
 * has taken longer than expected.
 *
 * The copy's work is counted in units: a data byte is one, an index byte costs what the copy's own records say
 * (the seconds the index builds took per index byte against the seconds the data loads took per data byte), or
 * INDEX_BYTE_COST before the builds have run MIN_INDEX_MS. The units still to do go at the rate the units done
 * went since the setup ended: whether the stages run one after the other (streaming) or side by side, table by
 * table (parallel), the rate counts both. A record without the data part (an older script) takes the data's
 * seconds to be the elapsed time less the index builds' (its stages ran one after the other). With stages, the
 * finish stage still to come is added (FINISH_PER_SETUP times the setup's seconds), and in it, what is left of it.
 */
export function timeLeftMs(p: JobProgress): number | undefined {
  const setupMs = (p.stage?.setupSeconds ?? 0) * 1000;
  const finishMs = setupMs * FINISH_PER_SETUP;
  if (p.stage?.name === 'setup') return undefined;
  if (p.stage?.name === 'finish') {
    const left = finishMs - p.stage.seconds * 1000;
    return left > 0 ? Math.round(left) : undefined;
  }
  // Every amount done, the copy stage not ended (a last table's statistics, pg_restore's last statements): the
  // finish to come, unknown when nothing measured what it costs.
  if (p.done >= p.total) return p.stage === undefined ? 0 : finishMs > 0 ? Math.round(finishMs) : undefined;
  const elapsed = p.at - p.startedAt - setupMs;
  if (p.done < p.total * MIN_DONE_SHARE || p.done === 0 || elapsed < MIN_RATE_MS) return undefined;
  const units = p.indexes ? workUnits(p, p.indexes, elapsed) : { done: p.done, left: p.total - p.done };
  if (units.done <= 0) return undefined;
  return Math.round((units.left * elapsed) / units.done + finishMs);
}

/** The units done and left: data bytes, plus index bytes each weighed at their measured cost against a data byte. */
function workUnits(p: JobProgress, ix: ProgressPart, elapsed: number): { done: number; left: number } {
  const indexMs = ix.seconds * 1000;
  const dataDone = p.done - ix.done;
  const dataMs = p.data ? p.data.seconds * 1000 : Math.max(0, elapsed - indexMs);
  const measured = dataDone > 0 && dataMs > 0 && ix.done > 0 && indexMs >= MIN_INDEX_MS;
  const cost = measured ? indexMs / ix.done / (dataMs / dataDone) : INDEX_BYTE_COST;
  return { done: dataDone + cost * ix.done, left: p.total - ix.total - dataDone + cost * (ix.total - ix.done) };
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** An amount in its unit: bytes in binary multiples (one decimal), rows and keys as integers. */
export function formatAmount(n: number, unit: string): string {
  if (unit !== 'bytes') return `${n} ${unit}`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[i]}`;
}

/** `HH:MM:SS` (hours grow past 99 if they must). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** `spec.maintenanceWindow` (`90m`, `2h`, `1h30m`) in milliseconds. */
export function windowBudgetMs(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  return ((Number(m?.[1] ?? 0) * 60 + Number(m?.[2] ?? 0)) * 60_000);
}
