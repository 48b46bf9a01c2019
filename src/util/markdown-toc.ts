/**
 * The table of contents of a Markdown document: one bullet per `##` and `###` heading outside code fences,
 * linked by the anchor GitHub gives it (lower case, punctuation dropped, blanks to hyphens, `-1`, `-2` … for
 * repeats). The README holds it between `<!-- toc:start -->` and `<!-- toc:end -->`; a test keeps it exact.
 */
export function markdownToc(text: string, options: { readonly minDepth?: number; readonly maxDepth?: number } = {}): string {
  const min = options.minDepth ?? 2;
  const max = options.maxDepth ?? 3;
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const heading of headings(text)) {
    const slug = uniqueSlug(githubSlug(heading.title), seen);
    if (heading.depth < min || heading.depth > max) continue;
    lines.push(`${'  '.repeat(heading.depth - min)}- [${linkText(heading.title)}](#${slug})`);
  }
  return lines.join('\n') + '\n';
}

/** The text between two markers replaced, or undefined when a marker is missing. */
export function replaceBetween(text: string, start: string, end: string, body: string): string | undefined {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a + start.length);
  if (a < 0 || b < 0) return undefined;
  return text.slice(0, a + start.length) + body + text.slice(b);
}

interface Heading {
  readonly depth: number;
  readonly title: string;
}

/** ATX headings outside fenced code blocks. */
function headings(text: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      const marker = f[1]!;
      if (fence === undefined) fence = marker[0]!.repeat(marker.length);
      else if (marker.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) out.push({ depth: h[1]!.length, title: h[2]! });
  }
  return out;
}

/** GitHub's anchor for a heading: inline code marks and links reduced to their text first. */
export function githubSlug(title: string): string {
  return plain(title)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function uniqueSlug(slug: string, seen: Map<string, number>): string {
  const n = seen.get(slug);
  seen.set(slug, (n ?? -1) + 1);
  return n === undefined ? slug : `${slug}-${n + 1}`;
}

/** A heading's text without Markdown marks (code spans keep their content). */
function plain(title: string): string {
  return title.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1').replace(/`/g, '');
}

/** Link text: the heading as written, minus links (nested links are not allowed). */
function linkText(title: string): string {
  return title.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}
