import type { PreflightCheck, PreflightReport } from './preflight-report.js';

const MARK = { failed: '✗', unknown: '?', passed: '✓' } as const;

/** One check as a line: found, needed, and what fixes a failure (or why it is unknown). */
export function preflightCheckLine(c: PreflightCheck): string {
  const found = `found ${c.found ?? 'nothing'}`;
  if (c.status === 'passed') return `${MARK.passed} ${c.title}: ${found}`;
  if (c.status === 'unknown') return `${MARK.unknown} ${c.title}: unknown: ${c.detail} (needed ${c.needed})`;
  const fix = c.fixedBy ? `fixed by phase ${c.fixedBy}: ${c.detail}` : `fix outside this tool: ${c.detail}`;
  return `${MARK.failed} ${c.title}: ${found}; needed ${c.needed}; ${fix}`;
}

/**
 * The preflight checks as text: a count line, then the failed checks first, then the unknown ones, then the
 * passed ones (by id only unless `verbose`). With `failedOnly`, nothing at all unless a check failed.
 */
export function renderPreflightLines(preflight: PreflightReport, options: { readonly verbose?: boolean; readonly failedOnly?: boolean } = {}): string[] {
  if (preflight.checks.length === 0) return [];
  const by = (s: PreflightCheck['status']) => preflight.checks.filter((c) => c.status === s);
  const failed = by('failed');
  const unknown = by('unknown');
  const passed = by('passed');
  const out = [`preflight checks for 3scale 2.16 (${preflight.requirements} requirements): ${failed.length} failed, ${unknown.length} unknown, ${passed.length} passed`];
  out.push(...failed.map((c) => `  ${preflightCheckLine(c)}`));
  if (options.failedOnly) return failed.length ? out : [];
  out.push(...unknown.map((c) => `  ${preflightCheckLine(c)}`));
  if (options.verbose) out.push(...passed.map((c) => `  ${preflightCheckLine(c)}`));
  else if (passed.length) out.push(`  ${MARK.passed} passed: ${passed.map((c) => c.id).join(', ')}`);
  return out;
}
