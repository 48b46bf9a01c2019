import type { ChangeRecord, TimelineBar } from './change-record.js';
import { formatDuration } from '../watch/progress-record.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const COLORS: Record<string, string> = { succeeded: '#2e7d32', applied: '#2e7d32', superseded: '#2e7d32', failed: '#c62828', running: '#f9a825', 'in-progress': '#f9a825' };

/** The timeline as an inline SVG Gantt drawing: one row per phase and Job, bars on a shared time axis. */
export function ganttSvg(bars: readonly TimelineBar[]): string {
  if (bars.length === 0) return '<p>No Job of this migration has a recorded start.</p>';
  const t0 = Math.min(...bars.map((b) => b.start));
  const t1 = Math.max(...bars.map((b) => b.end), t0 + 1000);
  const labelW = 320;
  const plotW = 600;
  const rowH = 22;
  const x = (t: number) => labelW + ((t - t0) / (t1 - t0)) * plotW;
  const rows = bars.map((b, i) => {
    const y = 20 + i * rowH;
    const w = Math.max(2, x(b.end) - x(b.start));
    const title = `${b.label}: ${iso(b.start)} to ${b.open ? 'still running' : iso(b.end)} (${formatDuration(b.end - b.start)}, ${b.state})`;
    return `<g class="bar ${b.kind}" data-label="${esc(b.label)}" data-start="${iso(b.start)}" data-end="${iso(b.end)}"><text x="${b.kind === 'job' ? 16 : 4}" y="${y + 15}" font-size="12"${b.kind === 'phase' ? ' font-weight="bold"' : ''}>${esc(b.label)}</text><rect x="${x(b.start).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${COLORS[b.state] ?? '#607d8b'}"><title>${esc(title)}</title></rect></g>`;
  });
  const height = 40 + bars.length * rowH;
  const axis = `<text x="${labelW}" y="14" font-size="11">${iso(t0)}</text><text x="${labelW + plotW}" y="14" font-size="11" text-anchor="end">${iso(t1)} (+${formatDuration(t1 - t0)})</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="timeline of the window" width="${labelW + plotW + 20}" height="${height}" viewBox="0 0 ${labelW + plotW + 20} ${height}">${axis}${rows.join('')}</svg>`;
}

/** The change record as one self-contained HTML page (no external resource: styles and drawing inline). */
export function renderChangeRecordHtml(r: ChangeRecord): string {
  const table = (head: readonly string[], rows: readonly (readonly string[])[], id: string) =>
    `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Change record: ${esc(r.migration)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}</style></head>
<body>
<h1>Change record: migration ${esc(r.migration)}</h1>
<p>Target ${esc(r.target)}; recorded ${iso(r.madeAt)} by threescale-migrate status --report.</p>
<h2>Timeline of the window</h2>
${ganttSvg(r.timeline)}
<h2>Phases</h2>
${table(['phase', 'status', 'detail'], r.phases.map((p) => [p.folder, p.status, p.reason]), 'phases')}
<h2>Data verified</h2>
${table(['Job', 'record', 'result (counts and comparisons)', 'source checksum', 'finished'], r.verified.map((v) => [v.job, v.phase, v.result, v.fingerprint ?? '', v.finishedAt ?? '']), 'verified')}
<h2>Versions</h2>
${table(['component', 'before', 'after'], r.versions.map((v) => [v.what, v.before, v.after]), 'versions')}
<h2>What a rollback would do now</h2>
<p id="rollback">${esc(r.rollback)}</p>
</body></html>
`;
}

/** The same record as Markdown (the timeline as a table of starts and ends). */
export function renderChangeRecordMarkdown(r: ChangeRecord): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
    [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
  return [
    `# Change record: migration ${r.migration}`,
    '',
    `Target ${r.target}; recorded ${iso(r.madeAt)} by threescale-migrate status --report.`,
    '',
    '## Timeline of the window',
    '',
    table(['phase / Job', 'start', 'end', 'duration', 'state'], r.timeline.map((b) => [b.kind === 'job' ? `  ${b.label}` : `**${b.label}**`, iso(b.start), b.open ? 'still running' : iso(b.end), formatDuration(b.end - b.start), b.state])),
    '',
    '## Phases',
    '',
    table(['phase', 'status', 'detail'], r.phases.map((p) => [p.folder, p.status, p.reason])),
    '',
    '## Data verified',
    '',
    table(['Job', 'record', 'result (counts and comparisons)', 'source checksum', 'finished'], r.verified.map((v) => [v.job, v.phase, v.result, v.fingerprint ?? '', v.finishedAt ?? ''])),
    '',
    '## Versions',
    '',
    table(['component', 'before', 'after'], r.versions.map((v) => [v.what, v.before, v.after])),
    '',
    '## What a rollback would do now',
    '',
    r.rollback,
    '',
  ].join('\n');
}
