/**
 * Secret masking, applied before anything is printed, logged or written.
 *
 * Scheme (as Argo CD does it): every distinct secret value seen by one {@link SecretMasker} gets its own
 * run of `+` signs, the first 8 long, each further one 4 longer. Equal values therefore look equal and
 * different values look different, while neither content nor length leaks. One masker is shared by the
 * desired and the live object of a comparison so that the two sides stay comparable after masking.
 *
 * What is masked:
 * - Secret `data` and `stringData` values (a `data` value and a `stringData` value with the same bytes get
 *   the same mask);
 * - annotations that embed a whole object (`kubectl.kubernetes.io/last-applied-configuration`,
 *   `kapp.k14s.io/original`): entirely when the object is a Secret or is not readable JSON, otherwise the
 *   embedded object is masked by these same rules;
 * - annotations named in {@link MaskOptions.sensitiveAnnotations};
 * - literal `value`s of env entries whose name looks sensitive (`MYSQL_ROOT_PASSWORD`, `*_TOKEN`,
 *   `SECRET_KEY_BASE`, see {@link DEFAULT_SENSITIVE_ENV_NAME});
 * - the password of any URL with user info in any string (`mysql2://root:pw@host/db` →
 *   `mysql2://root:++++++++@host/db`).
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, type KubeObject } from './json.js';

/** Options of the masking functions. */
export interface MaskOptions {
  /** Further annotation keys whose values are masked entirely. */
  readonly sensitiveAnnotations?: readonly string[];
  /** Env var names whose literal value is masked; defaults to {@link DEFAULT_SENSITIVE_ENV_NAME}. */
  readonly sensitiveEnvName?: RegExp;
}

/** Env var names whose literal values are secrets. */
export const DEFAULT_SENSITIVE_ENV_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL/i;

/** Annotations that embed a copy of the whole object. */
export const EMBEDDING_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'kapp.k14s.io/original',
];

const FIRST_MASK_LENGTH = 8;
const MASK_LENGTH_STEP = 4;

/**
 * `scheme://` and the rest of the word (up to white space or a quote). Passwords pasted into URLs are often
 * not percent-encoded and may hold `/`, `?`, `#` or `@`, so the user info is taken up to the *last* `@` of
 * the word rather than parsed by RFC 3986: this can mask a little too much, never too little.
 */
const URL_START = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s"'`<>]*)/g;

/** Hands out masks: one per distinct secret, the same one for equal secrets. */
export class SecretMasker {
  private readonly masks = new Map<string, string>();

  /** The mask of a text secret (identified by its UTF-8 bytes). */
  public maskText(secret: string): string {
    return this.maskBytes(Buffer.from(secret, 'utf8'));
  }

  /**
   * The mask of a base64-encoded secret (a Secret `data` value), identified by its decoded bytes so that it
   * matches the same value given as text. Text that is not canonical base64 is identified as itself.
   */
  public maskBase64(encoded: string): string {
    const bytes = Buffer.from(encoded, 'base64');
    return bytes.toString('base64') === encoded ? this.maskBytes(bytes) : this.maskIdentity(`raw:${encoded}`);
  }

  /** How many distinct secrets this masker has seen. */
  public get size(): number {
    return this.masks.size;
  }

  private maskBytes(bytes: Buffer): string {
    return this.maskIdentity(`bytes:${bytes.toString('hex')}`);
  }

  private maskIdentity(identity: string): string {
    let mask = this.masks.get(identity);
    if (mask === undefined) {
      mask = '+'.repeat(FIRST_MASK_LENGTH + MASK_LENGTH_STEP * this.masks.size);
      this.masks.set(identity, mask);
    }
    return mask;
  }
}

/** Tells whether a string is a mask produced by {@link SecretMasker}. */
export function isMask(value: unknown): boolean {
  return typeof value === 'string' && value.length >= FIRST_MASK_LENGTH && /^\++$/.test(value);
}

/** Returns a masked copy of `obj`; pass the same masker for both sides of a comparison. */
export function maskObject(obj: KubeObject, masker: SecretMasker, options: MaskOptions = {}): KubeObject {
  return maskOwnedObject(cloneJson(obj), masker, options);
}

/** Masks `obj` itself and returns it: for a copy the caller made and nobody else holds (no second deep copy). */
export function maskOwnedObject(obj: KubeObject, masker: SecretMasker, options: MaskOptions = {}): KubeObject {
  maskInPlace(obj, masker, options);
  return obj;
}

/** Masks several objects with one shared masker, in order (e.g. `[desired, live]`). */
export function maskObjects(objects: readonly KubeObject[], options: MaskOptions = {}): KubeObject[] {
  const masker = new SecretMasker();
  return objects.map((obj) => maskObject(obj, masker, options));
}

/**
 * Replaces the password of every URL with user info in `text` by its mask; scheme, user name and host stay
 * readable (`mysql2://root:pw@system-mysql/system` → `mysql2://root:++++++++@system-mysql/system`).
 */
export function maskUrlPasswords(text: string, masker: SecretMasker): string {
  if (!text.includes('://')) {
    return text;
  }
  return text.replace(URL_START, (whole: string, scheme: string, rest: string) => {
    const at = rest.lastIndexOf('@');
    const userInfo = at < 0 ? '' : rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    // No password, or the colon belongs to a port or path (`host/a:b@c`) rather than to user info.
    if (colon < 0 || colon === userInfo.length - 1 || /[/?#]/.test(userInfo.slice(0, colon))) {
      return whole;
    }
    return `${scheme}${userInfo.slice(0, colon + 1)}${masker.maskText(userInfo.slice(colon + 1))}${rest.slice(at)}`;
  });
}

function maskInPlace(obj: JsonObject, masker: SecretMasker, options: MaskOptions): void {
  // Any kind named Secret, whatever its group: masking errs on the safe side.
  if (obj['kind'] === 'Secret') {
    maskMapValues(obj['data'], (value) => masker.maskBase64(value));
    maskMapValues(obj['stringData'], (value) => masker.maskText(value));
  }
  const envName = options.sensitiveEnvName ?? DEFAULT_SENSITIVE_ENV_NAME;
  const sensitive = new Set(options.sensitiveAnnotations ?? []);
  maskTree(obj, undefined, undefined, { masker, options, envName, sensitive });
}

interface MaskContext {
  readonly masker: SecretMasker;
  readonly options: MaskOptions;
  readonly envName: RegExp;
  readonly sensitive: ReadonlySet<string>;
}

/** Walks the tree: annotations, sensitive env values, URL passwords. Secret data is already masked. */
function maskTree(value: JsonValue, key: string | undefined, parentKey: string | undefined, context: MaskContext): JsonValue {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i] as JsonValue;
      if (key === 'env' && isJsonObject(item) && typeof item['name'] === 'string' && typeof item['value'] === 'string') {
        if (context.envName.test(item['name'])) {
          item['value'] = context.masker.maskText(item['value']);
        }
      }
      value[i] = maskTree(item, undefined, key, context);
    }
    return value;
  }
  if (isJsonObject(value)) {
    const isAnnotations = key === 'annotations' && parentKey === 'metadata';
    for (const [childKey, child] of Object.entries(value)) {
      value[childKey] =
        isAnnotations && typeof child === 'string'
          ? maskAnnotation(childKey, child, context)
          : maskTree(child, childKey, key, context);
    }
    return value;
  }
  if (typeof value === 'string') {
    return maskUrlPasswords(value, context.masker);
  }
  return value;
}

function maskAnnotation(key: string, value: string, context: MaskContext): string {
  if (context.sensitive.has(key)) {
    return context.masker.maskText(value);
  }
  if (EMBEDDING_ANNOTATIONS.includes(key)) {
    let embedded: unknown;
    try {
      embedded = JSON.parse(value);
    } catch {
      return context.masker.maskText(value);
    }
    if (!isJsonObject(embedded) || embedded['kind'] === 'Secret') {
      return context.masker.maskText(value);
    }
    maskInPlace(embedded, context.masker, context.options);
    return JSON.stringify(embedded);
  }
  return maskUrlPasswords(value, context.masker);
}

function maskMapValues(map: JsonValue | undefined, mask: (value: string) => string): void {
  if (!isJsonObject(map)) {
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string') {
      map[key] = mask(value);
    } else if (value !== null) {
      // Not a valid Secret value, but never print it.
      map[key] = mask(JSON.stringify(value));
    }
  }
}
