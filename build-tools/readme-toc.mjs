// Writes the README's table of contents (between <!-- toc:start --> and <!-- toc:end -->) from its headings.
// Run after `npm run build`: node build-tools/readme-toc.mjs. test/readme.test.ts checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownToc, replaceBetween } from '../build/src/util/markdown-toc.js';

const readme = join(import.meta.dirname, '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const next = replaceBetween(text, '<!-- toc:start -->\n', '<!-- toc:end -->', markdownToc(text));
if (next === undefined) {
  process.stderr.write(`${readme}: no <!-- toc:start --> … <!-- toc:end --> markers; expected them where the table of contents goes.\n`);
  process.exit(2);
}
writeFileSync(readme, next);
