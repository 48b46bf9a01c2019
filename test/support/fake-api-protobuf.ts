/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies for the fake API server.
 *
 * kubectl's generator commands (`kubectl create configmap`, `kubectl create secret`) write through the typed
 * client, which sends protobuf to kube-apiserver; `get`, `apply`, `create -f`, `patch` and `delete` use
 * JSON. The fake decodes the protobuf envelope (magic `k8s\0` + `runtime.Unknown`) and the object types
 * those generators create, ConfigMap and Secret (k8s.io/api core/v1 generated.proto field numbers), into
 * the same JSON object a JSON client would have sent. Other kinds are refused as the body of an unknown
 * format.
 */

/** Content type of Kubernetes protobuf. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** A decoding failure (answered with 415 or 400). */
export class ProtobufDecodeError extends Error {
  public constructor(
    message: string,
    /** True when the payload is valid but of a kind the fake cannot decode. */
    public readonly unsupportedKind = false,
  ) {
    super(message);
  }
}

interface Field {
  readonly no: number;
  readonly wire: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw new ProtobufDecodeError('varint too long');
  }
}

/** The fields of one protobuf message, in wire order. */
function fieldsOf(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    switch (wire) {
      case 0: {
        const [v, p] = readVarint(buf, pos);
        pos = p;
        out.push({ no, wire, varint: v });
        break;
      }
      case 1:
        pos += 8;
        out.push({ no, wire });
        break;
      case 2: {
        const [len, p] = readVarint(buf, pos);
        const end = p + Number(len);
        if (end > buf.length) throw new ProtobufDecodeError('truncated length-delimited field');
        out.push({ no, wire, bytes: buf.subarray(p, end) });
        pos = end;
        break;
      }
      case 5:
        pos += 4;
        out.push({ no, wire });
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const str = (f: Field): string => (f.bytes ?? Buffer.alloc(0)).toString('utf8');
const bool = (f: Field): boolean => (f.varint ?? 0n) !== 0n;

/** A `map<string, string|bytes>` entry (key = 1, value = 2). */
function mapEntry(f: Field, valueAs: 'string' | 'base64'): [string, string] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const e of fieldsOf(f.bytes ?? Buffer.alloc(0))) {
    if (e.no === 1) key = str(e);
    if (e.no === 2) value = e.bytes ?? Buffer.alloc(0);
  }
  return [key, valueAs === 'string' ? value.toString('utf8') : value.toString('base64')];
}

function ownerReference(buf: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fieldsOf(buf)) {
    if (f.no === 5) o.apiVersion = str(f);
    else if (f.no === 1) o.kind = str(f);
    else if (f.no === 3) o.name = str(f);
    else if (f.no === 4) o.uid = str(f);
    else if (f.no === 6) o.controller = bool(f);
    else if (f.no === 7) o.blockOwnerDeletion = bool(f);
  }
  return o;
}

/** ObjectMeta: the fields a client may set (server-set fields and managedFields are left out). */
function objectMeta(buf: Buffer): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const owners: Record<string, unknown>[] = [];
  const finalizers: string[] = [];
  for (const f of fieldsOf(buf)) {
    switch (f.no) {
      case 1:
        m.name = str(f);
        break;
      case 2:
        m.generateName = str(f);
        break;
      case 3:
        m.namespace = str(f);
        break;
      case 6:
        m.resourceVersion = str(f);
        break;
      case 11: {
        const [k, v] = mapEntry(f, 'string');
        labels[k] = v;
        break;
      }
      case 12: {
        const [k, v] = mapEntry(f, 'string');
        annotations[k] = v;
        break;
      }
      case 13:
        owners.push(ownerReference(f.bytes ?? Buffer.alloc(0)));
        break;
      case 14:
        finalizers.push(str(f));
        break;
      default:
        break;
    }
  }
  for (const k of ['name', 'generateName', 'namespace', 'resourceVersion']) if (m[k] === '') delete m[k];
  if (Object.keys(labels).length) m.labels = labels;
  if (Object.keys(annotations).length) m.annotations = annotations;
  if (owners.length) m.ownerReferences = owners;
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

function configMap(buf: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} };
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of fieldsOf(buf)) {
    if (f.no === 1) o.metadata = objectMeta(f.bytes ?? Buffer.alloc(0));
    else if (f.no === 2) {
      const [k, v] = mapEntry(f, 'string');
      data[k] = v;
    } else if (f.no === 3) {
      const [k, v] = mapEntry(f, 'base64');
      binaryData[k] = v;
    } else if (f.no === 4) o.immutable = bool(f);
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(binaryData).length) o.binaryData = binaryData;
  return o;
}

function secret(buf: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { apiVersion: 'v1', kind: 'Secret', metadata: {} };
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of fieldsOf(buf)) {
    if (f.no === 1) o.metadata = objectMeta(f.bytes ?? Buffer.alloc(0));
    else if (f.no === 2) {
      const [k, v] = mapEntry(f, 'base64');
      data[k] = v;
    } else if (f.no === 3) {
      if (str(f) !== '') o.type = str(f);
    } else if (f.no === 4) {
      const [k, v] = mapEntry(f, 'string');
      stringData[k] = v;
    } else if (f.no === 5) o.immutable = bool(f);
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(stringData).length) o.stringData = stringData;
  return o;
}

const DECODERS: Record<string, (buf: Buffer) => Record<string, unknown>> = {
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
};

/** Decodes a protobuf request body into the JSON object it stands for; throws ProtobufDecodeError. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fieldsOf(body.subarray(MAGIC.length))) {
    if (f.no === 1) {
      for (const t of fieldsOf(f.bytes ?? Buffer.alloc(0))) {
        if (t.no === 1) apiVersion = str(t);
        if (t.no === 2) kind = str(t);
      }
    } else if (f.no === 2) raw = f.bytes ?? Buffer.alloc(0);
  }
  const decode = DECODERS[`${apiVersion}/${kind}`];
  if (!decode) throw new ProtobufDecodeError(`the fake API server decodes protobuf only for ${Object.keys(DECODERS).join(', ')}, not ${apiVersion}/${kind}`, true);
  return decode(raw);
}
