/**
 * Masking by value: every form of every secret value a command read (see secret-forms.ts) is replaced,
 * wherever it occurs in the printed text or in any string of the printed JSON (keys included), by
 * `<secret-N>`.
 *
 * N numbers the distinct secrets in the order they first appear in the output (not in the order they were
 * read, which can depend on which API answer came first), so the output is the same byte for byte on every
 * run, equal secrets look equal, different ones look different, and neither content nor length shows.
 * Occurrences that overlap (two secrets sharing characters) are masked as one, so no part of either shows.
 *
 * Text that other masking rewrites before it is printed (the `password=…` and URL rules of log lines and of
 * the diff, which stop at the first comma or blank and could leave the rest of a value readable) is first
 * {@link Redactor.protect protected}: each occurrence becomes an opaque token, `⟦s<digest>⟧`, one per
 * distinct matched text, that those rules cannot cut into and that printing turns into the secret's mask.
 * Tokens are never printed; they are derived from the matched text alone (two FNV-1a hashes, 16 hex
 * digits; a clash of two matched texts gets a suffix), so anything ordered by a protected text (a diff
 * path naming a list item) is ordered the same on every run, whichever API answer came first.
 */
import { MIN_MASKED_LENGTH, secretForms } from './secret-forms.js';

/** Forms are found by their first characters (every form has at least this many UTF-16 code units). */
const PREFIX = MIN_MASKED_LENGTH;
/** Rolling hash of {@link PREFIX} UTF-16 code units: base, and base^(PREFIX-1) to drop the first one. */
const HASH_BASE = 0x01000193;
const HASH_DROP = Array.from({ length: PREFIX - 1 }).reduce<number>((p) => Math.imul(p, HASH_BASE), 1);
const HASH_MASK = 0x3fffffff;
/** A protected occurrence (see the module comment). */
const TOKEN = /⟦s[0-9a-f]{16}⟧/g;

interface Occurrence {
  readonly start: number;
  readonly end: number;
  /** Identity of the secret: the lowest hex of the values that have this form. */
  readonly id: string;
}

/** Masks the secrets it was given; one per command run. */
export class Redactor {
  /** Form → identity of the secret it belongs to. */
  private readonly forms = new Map<string, string>();
  /** Identity → its number in the output. */
  private readonly numbers = new Map<string, number>();
  private readonly known = new Set<string>();
  /** Matched text → its token, and token → the identity of its secret. */
  private readonly tokens = new Map<string, string>();
  private readonly tokenIds = new Map<string, string>();
  /** First {@link PREFIX} characters → the forms that start with them; rebuilt after {@link add}. */
  private byPrefix: { readonly index: Map<string, { readonly form: string; readonly id: string }[]>; readonly hashes: Set<number> } | undefined;

  /** How many distinct forms are masked. */
  public get size(): number {
    return this.forms.size;
  }

  /** Adds one secret value (its bytes). */
  public add(value: Uint8Array): void {
    const id = Buffer.from(value).toString('hex');
    if (this.known.has(id)) return;
    this.known.add(id);
    this.byPrefix = undefined;
    for (const form of secretForms(value)) {
      const held = this.forms.get(form);
      if (held === undefined || id < held) this.forms.set(form, id);
    }
  }

  /** `text` with every secret masked. */
  public text(text: string): string {
    const found = this.occurrences(text);
    if (found.length === 0) return text;
    let out = '';
    let at = 0;
    for (const o of found) {
      out += `${text.slice(at, o.start)}<secret-${this.number(o.id)}>`;
      at = o.end;
    }
    return out + text.slice(at);
  }

  /**
   * `text` with every secret occurrence replaced by its token: equal texts stay equal and different texts
   * stay different (a token stands for one exact matched text), so comparisons made after it still hold.
   */
  public protect(text: string): string {
    const found = this.occurrences(text, false);
    if (found.length === 0) return text;
    let out = '';
    let at = 0;
    for (const o of found) {
      out += `${text.slice(at, o.start)}${this.tokenFor(text.slice(o.start, o.end), o.id)}`;
      at = o.end;
    }
    return out + text.slice(at);
  }

  /**
   * {@link protect} for text that may have been cut inside a secret (a script cuts what it records at a
   * fixed length): a tail that begins a form of a secret, at least {@link PREFIX} characters long, counts as
   * that secret too.
   */
  public protectCut(text: string): string {
    const out = this.protect(text);
    const { index } = this.prefixIndex();
    for (let start = 0; start + PREFIX <= out.length; start += 1) {
      const bucket = index.get(out.slice(start, start + PREFIX));
      if (!bucket) continue;
      const tail = out.slice(start);
      const found = bucket.find(({ form }) => form.length > tail.length && form.startsWith(tail));
      if (found) return `${out.slice(0, start)}${this.tokenFor(tail, found.id)}`;
    }
    return out;
  }

  /** A copy of a JSON value with every string {@link protect protected}; keys too unless `keys` is false. */
  public protectJson(value: unknown, keys = true): unknown {
    if (this.forms.size === 0) return value;
    if (typeof value === 'string') return this.protect(value);
    if (Array.isArray(value)) return value.map((v) => this.protectJson(v, keys));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        out[keys ? this.protect(k) : k] = this.protectJson(v, keys);
      }
      return out;
    }
    return value;
  }

  /**
   * A copy of a JSON value with every string (object keys included) masked; a number whose digits hold a
   * secret becomes the masked string. Walked in key order as given, so numbering follows the printed order.
   */
  public json(value: unknown): unknown {
    if (this.forms.size === 0 && this.tokens.size === 0) return value;
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'number') {
      const masked = this.text(String(value));
      return masked === String(value) ? value : masked;
    }
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        out[this.text(k)] = this.json(v);
      }
      return out;
    }
    return value;
  }

  /**
   * Where to cut `text` to at most `max` characters without cutting a secret in two (a cut secret would
   * show its first characters, which masking by value no longer recognizes): `max`, or the start of the
   * occurrence the cut would fall into.
   */
  public cutPoint(text: string, max: number): number {
    if (text.length <= max) return text.length;
    let cut = max;
    for (const o of this.occurrences(text)) {
      if (o.start < cut && o.end > cut) cut = o.start;
    }
    return cut;
  }

  private prefixIndex(): { readonly index: Map<string, { readonly form: string; readonly id: string }[]>; readonly hashes: Set<number> } {
    if (this.byPrefix) return this.byPrefix;
    const index = new Map<string, { form: string; id: string }[]>();
    const hashes = new Set<number>();
    for (const [form, id] of this.forms) {
      const key = form.slice(0, PREFIX);
      const bucket = index.get(key);
      if (bucket) bucket.push({ form, id });
      else index.set(key, [{ form, id }]);
      let h = 0;
      for (let i = 0; i < PREFIX; i += 1) h = (Math.imul(h, HASH_BASE) + key.charCodeAt(i)) | 0;
      hashes.add(h & HASH_MASK);
    }
    this.byPrefix = { index, hashes };
    return this.byPrefix;
  }

  private tokenFor(matched: string, id: string): string {
    let token = this.tokens.get(matched);
    if (token === undefined) {
      token = `⟦s${digest(matched)}⟧`;
      // Two matched texts with one digest (not expected): the later one takes the next free variant.
      for (let i = 1; this.tokenIds.has(token); i += 1) token = `⟦s${digest(`${matched}\u0000${i}`)}⟧`;
      this.tokens.set(matched, token);
      this.tokenIds.set(token, id);
    }
    return token;
  }

  private number(id: string): number {
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(id, n);
    }
    return n;
  }

  /** Every occurrence of every form (and of every token, unless `tokens` is false), overlapping ones merged, from left to right. */
  private occurrences(text: string, tokens = true): Occurrence[] {
    if ((this.forms.size === 0 && this.tokens.size === 0) || text.length === 0) return [];
    const raw: Occurrence[] = [];
    if (tokens && this.tokens.size > 0 && text.includes('⟦s')) {
      for (const m of text.matchAll(TOKEN)) {
        const id = this.tokenIds.get(m[0]);
        if (id !== undefined) raw.push({ start: m.index, end: m.index + m[0].length, id });
      }
    }
    const { index, hashes } = this.prefixIndex();
    // A rolling hash of the PREFIX characters at each position; only a position whose hash starts some
    // form is looked up, so text without secrets costs a few integer operations per character.
    let h = 0;
    for (let i = 0; i < PREFIX && i < text.length; i += 1) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0;
    for (let i = 0; i + PREFIX <= text.length; i += 1) {
      // Small integers keep the set lookup on its fast path.
      if (hashes.has(h & HASH_MASK)) {
        const bucket = index.get(text.slice(i, i + PREFIX));
        if (bucket) for (const { form, id } of bucket) if (text.startsWith(form, i)) raw.push({ start: i, end: i + form.length, id });
      }
      if (i + PREFIX < text.length) h = (Math.imul((h - Math.imul(text.charCodeAt(i), HASH_DROP)) | 0, HASH_BASE) + text.charCodeAt(i + PREFIX)) | 0;
    }
    if (raw.length === 0) return [];
    // Earliest first; at one start the longest, then the lowest identity: the same choice on every run.
    raw.sort((a, b) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const merged: Occurrence[] = [];
    for (const o of raw) {
      const last = merged[merged.length - 1];
      if (last && o.start < last.end) {
        if (o.end > last.end) merged[merged.length - 1] = { ...last, end: o.end };
      } else {
        merged.push(o);
      }
    }
    return merged;
  }
}

/** 16 hex digits from two 32-bit FNV-1a hashes of the UTF-16 code units (the second seeded differently). */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
