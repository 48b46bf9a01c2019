/**
 * Progress records the copy scripts write while they run (charts/scripts/lib/progress.sh): in the evidence
 * ConfigMap, `<step>.progress` = `<done>/<total> <unit>`, `<step>.progressStartedAt` and `<step>.progressAt`.
 */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly startedAt: number;
  readonly at: number;
}

/** The record of `step` in the evidence data, or undefined when there is none (or it is malformed). */
export function progressOf(data: Readonly<Record<string, string>>, step: string): JobProgress | undefined {
  const m = /^(\d+)\/(\d+) ([a-z]+)$/.exec(data[`${step}.progress`] ?? '');
  const startedAt = Date.parse(data[`${step}.progressStartedAt`] ?? '');
  const at = Date.parse(data[`${step}.progressAt`] ?? '');
  if (!m || Number.isNaN(startedAt) || Number.isNaN(at)) return undefined;
  return { done: Number(m[1]), total: Number(m[2]), unit: m[3]!, startedAt, at };
}

/**
 * Milliseconds left at the average rate since the copy started, counted from the record's time; undefined
 * before anything was done (no rate yet).
 */
export function timeLeftMs(p: JobProgress): number | undefined {
  if (p.done >= p.total) return 0;
  const elapsed = p.at - p.startedAt;
  if (p.done === 0 || elapsed <= 0) return undefined;
  return Math.round(((p.total - p.done) * elapsed) / p.done);
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
