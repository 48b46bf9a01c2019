// Writes the README's generated parts: the command-line flag table (between <!-- flag-table:start --> and
// <!-- flag-table:end -->, from the commands' definitions) and the table of contents (between <!-- toc:start -->
// and <!-- toc:end -->, from its headings).
// Run after `npm run build`: node build-tools/readme-toc.mjs. test/readme.test.ts checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../build/src/cli/index.js';
import { flagTableMarkdown } from '../build/src/cli/flag-table.js';
import { markdownToc, replaceBetween } from '../build/src/util/markdown-toc.js';

const readme = join(import.meta.dirname, '..', 'README.md');
const withFlags = replaceBetween(readFileSync(readme, 'utf8'), '<!-- flag-table:start -->\n', '<!-- flag-table:end -->', flagTableMarkdown(buildProgram()));
if (withFlags === undefined) {
  process.stderr.write(`${readme}: no <!-- flag-table:start --> … <!-- flag-table:end --> markers; expected them where the flag table goes.\n`);
  process.exit(2);
}
const next = replaceBetween(withFlags, '<!-- toc:start -->\n', '<!-- toc:end -->', markdownToc(withFlags));
if (next === undefined) {
  process.stderr.write(`${readme}: no <!-- toc:start --> … <!-- toc:end --> markers; expected them where the table of contents goes.\n`);
  process.exit(2);
}
writeFileSync(readme, next);
