import { HEALTH_CHECKS } from './registry.js';

/**
 * The README's health table, generated from the dispatch table (a test keeps the README in step): per kind,
 * what counts as healthy and the reference rule it follows.
 */
export function healthTableMarkdown(): string {
  const rows = HEALTH_CHECKS.map((h) => `| \`${h.kind}\` | ${h.group === '' ? 'core' : `\`${h.group}\``} | ${h.healthyWhen} | ${h.reference} |`);
  return ['| kind | group | healthy when | rule followed |', '| --- | --- | --- | --- |', ...rows, '| any other kind | | present (its fields are what the comparison checks) | gitops-engine pkg/health: kinds without a health rule are healthy once they exist |', ''].join('\n');
}
