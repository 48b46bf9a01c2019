/**
 * The printable forms of one secret value: every way the same bytes can show up in what the CLI prints, so
 * that masking by value finds them all.
 *
 * Rule (README, "Discover, diff and status"): a value is masked by value when it has at least
 * {@link MIN_MASKED_LENGTH} characters once surrounding white space is left out. Shorter values (user names
 * such as `admin`, domains such as `master`, the tenant `3scale`) are words of the report itself: masking
 * them wherever they occur would mask the report. They stay masked where they sit in a Secret (`data`,
 * `stringData`, embedded copies), as every Secret value is. Every form below must itself be at least that
 * long to be masked, for the same reason.
 */

/** Fewest characters (Unicode code points, surrounding white space left out) a value needs to be masked by value. */
export const MIN_MASKED_LENGTH = 8;

/**
 * Every form of `bytes` that is masked: the text itself (and trimmed, white space collapsed, control
 * characters dropped, as log lines and Events are printed; without quotes and backslashes, as the scripts
 * record evidence), its base64 (standard with and without
 * padding, URL-safe, and as it appears at each byte offset inside a longer base64 text such as a Basic
 * authorization or a `.dockerconfigjson` `auth`), its URL encodings, the user name and password of a value
 * that is a URL with user info (as written and decoded), and the JSON-escaped spelling of each (text output
 * prints values as JSON strings). Sorted, without duplicates, each at least {@link MIN_MASKED_LENGTH} long.
 */
export function secretForms(bytes: Uint8Array): string[] {
  const forms = new Set<string>();
  const text = utf8(bytes);
  if (text !== undefined) {
    if (!longEnough(text)) return [];
    for (const t of textVariants(text)) addText(forms, t);
    for (const part of urlUserInfo(text)) {
      if (!longEnough(part)) continue;
      for (const t of textVariants(part)) addText(forms, t);
    }
  } else if (bytes.length >= MIN_MASKED_LENGTH) {
    addBase64(forms, Buffer.from(bytes));
  }
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- the length counted in code points on purpose
  return [...forms].filter((f) => [...f].length >= MIN_MASKED_LENGTH).sort();
}

/** Whether a value is long enough to be masked by value. */
export function longEnough(text: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- the length counted in code points on purpose
  return [...text.trim()].length >= MIN_MASKED_LENGTH;
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text as written, trimmed, with white space runs collapsed, and without control characters. */
function textVariants(text: string): string[] {
  const trimmed = text.trim();
  const collapsed = trimmed.replace(/\s+/g, ' ');
  // What a printed log line keeps of it: control characters but tab dropped (see mask-log-line.ts).
  const printable = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  // What the scripts record as evidence: control characters, double quotes and backslashes removed.
  const recorded = text.replace(/[\u0000-\u001f"\\]/g, '');
  return [text, trimmed, collapsed, printable, printable.trim().replace(/\s+/g, ' '), recorded];
}

function addText(forms: Set<string>, text: string): void {
  if (!longEnough(text)) return;
  const bytes = Buffer.from(text, 'utf8');
  const spellings = [text, ...urlEncodings(text)];
  addBase64(forms, bytes);
  for (const s of spellings) {
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
}

function urlEncodings(text: string): string[] {
  const component = encodeURIComponent(text);
  const lowerHex = component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const form = new URLSearchParams({ v: text }).toString().slice(2);
  let uri = text;
  try {
    uri = encodeURI(text);
  } catch {
    // lone surrogates: encodeURIComponent threw too, below
  }
  return [component, lowerHex, form, uri];
}

/** Standard, unpadded and URL-safe base64 of `bytes`, and its inner parts at byte offsets 1 and 2. */
function addBase64(forms: Set<string>, bytes: Buffer): void {
  const standard = bytes.toString('base64');
  forms.add(standard);
  forms.add(standard.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    // Characters that also hold bits of the bytes before (at the start) or after (at the end) vary with
    // those bytes: only the characters made of this value's bits alone are a fixed form.
    const head = [0, 2, 3][offset]!;
    const tail = (offset + bytes.length) % 3 === 0 ? 0 : 1;
    const inner = shifted.slice(head, shifted.length - tail);
    forms.add(inner);
    forms.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
}

/**
 * User name and password of a value that is a URL with user info (`redis://:pw@host:6379/0`,
 * `postgresql://user:pw@host/db`), as written (percent-encoded) and decoded.
 */
function urlUserInfo(text: string): string[] {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(\S*)$/.exec(text.trim());
  if (!m) return [];
  // Up to the last `@`: passwords pasted unencoded may hold `@`, `/` or `#` (as mask-secrets.ts reads them).
  const rest = m[1]!;
  const at = rest.lastIndexOf('@');
  if (at < 0) return [];
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
  if (/[/?#]/.test(user)) return [];
  const parts = colon < 0 ? [user] : [user, userInfo.slice(colon + 1)];
  return parts.flatMap((p) => [p, decoded(p)]).filter((p) => p.length > 0);
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
