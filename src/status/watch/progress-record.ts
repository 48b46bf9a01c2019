/**
 * Progress records the copy scripts write while they run (charts/scripts/lib/progress.sh): in the evidence
 * ConfigMap, `<step>.progress` = `<done>/<total> <unit>`, `<step>.progressStartedAt` and `<step>.progressAt`,
 * and from a copy that builds indexes after its data, `<step>.progressIndexes` = `<done>/<total> <unit> <s>s`.
 */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly startedAt: number;
  readonly at: number;
  /** The part of done and total that index builds write, and the seconds they have taken so far. */
  readonly indexes?: { readonly done: number; readonly total: number; readonly seconds: number };
}

/** The record of `step` in the evidence data, or undefined when there is none (or it is malformed). */
export function progressOf(data: Readonly<Record<string, string>>, step: string): JobProgress | undefined {
  const m = /^(\d+)\/(\d+) ([a-z]+)$/.exec(data[`${step}.progress`] ?? '');
  const startedAt = Date.parse(data[`${step}.progressStartedAt`] ?? '');
  const at = Date.parse(data[`${step}.progressAt`] ?? '');
  if (!m || Number.isNaN(startedAt) || Number.isNaN(at)) return undefined;
  const base = { done: Number(m[1]), total: Number(m[2]), unit: m[3]!, startedAt, at };
  const ix = /^(\d+)\/(\d+) ([a-z]+) (\d+(?:\.\d+)?)s$/.exec(data[`${step}.progressIndexes`] ?? '');
  // An index part that does not fit in the whole is ignored: the record is read as one without it.
  if (!ix || ix[3] !== base.unit || Number(ix[1]) > Number(ix[2]) || Number(ix[1]) > base.done || Number(ix[2]) > base.total) return base;
  return { ...base, indexes: { done: Number(ix[1]), total: Number(ix[2]), seconds: Number(ix[4]) } };
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
 * A rate is measured only once this share of the total is done and MIN_RATE_MS have passed: a first record of
 * 1 key out of 30 000 after 0.7 s would otherwise say six hours.
 */
const MIN_DONE_SHARE = 0.01;
const MIN_RATE_MS = 1000;

/**
 * Milliseconds left, counted from the record's time; undefined before a rate can be measured (less than
 * MIN_DONE_SHARE of the total done, or less than MIN_RATE_MS elapsed). The
 * data at the rate measured on the data so far; with an index part, the index bytes at the rate of the index
 * builds (their own seconds), or while none has run long enough at INDEX_BYTE_COST times the data's cost.
 * The copy's stages are taken to run one after the other (data, then indexes), as pg-copy.sh runs them.
 */
export function timeLeftMs(p: JobProgress): number | undefined {
  if (p.done >= p.total) return 0;
  const elapsed = p.at - p.startedAt;
  if (p.done < p.total * MIN_DONE_SHARE || p.done === 0 || elapsed < MIN_RATE_MS) return undefined;
  if (!p.indexes) return Math.round(((p.total - p.done) * elapsed) / p.done);
  const ix = p.indexes;
  const indexMs = Math.min(elapsed, ix.seconds * 1000);
  const dataDone = p.done - ix.done;
  const dataMs = elapsed - indexMs;
  const dataMsPerByte = dataDone > 0 && dataMs > 0 ? dataMs / dataDone : undefined;
  const indexMsPerByte = ix.done > 0 && indexMs >= MIN_INDEX_MS ? indexMs / ix.done : dataMsPerByte === undefined ? undefined : dataMsPerByte * INDEX_BYTE_COST;
  const dataLeft = p.total - ix.total - dataDone;
  const indexLeft = ix.total - ix.done;
  const dataCost = dataLeft <= 0 ? 0 : (dataMsPerByte ?? (indexMsPerByte === undefined ? undefined : indexMsPerByte / INDEX_BYTE_COST));
  if (dataCost === undefined || indexMsPerByte === undefined) return undefined;
  return Math.round(Math.max(0, dataLeft) * dataCost + indexLeft * indexMsPerByte);
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
