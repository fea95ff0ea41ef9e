// The Java agent's `labels` part: a protobuf LabelsSnapshot that gives each JFR context id
// (an ExecutionSample's `contextId`) its labels, as ids into the snapshot's own string table:
//   LabelsSnapshot { map<int64, Context> contexts = 1; map<int64, string> strings = 2; }
//   Context { map<int64, int64> labels = 1; }
// Read with a small wire-format reader so that a hostile snapshot is a 400 like the rest.
import { ClientError } from '../errors';

const bad = (why: string) => new ClientError(400, `malformed JFR labels: ${why}`);

/** Protobuf fields of one message: field number → its varints or byte ranges, in order. */
function fields(b: Uint8Array, start: number, end: number): { no: number; varint?: number; bytes?: Uint8Array }[] {
  const out: { no: number; varint?: number; bytes?: Uint8Array }[] = [];
  let pos = start;
  const varint = () => {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= end) throw bad('a field runs past its message');
      const c = b[pos++]!;
      v += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) return v;
    }
    throw bad('a varint longer than 10 bytes');
  };
  while (pos < end) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    switch (tag % 8) {
      case 0:
        out.push({ no, varint: varint() });
        break;
      case 2: {
        const n = varint();
        if (n > end - pos) throw bad('a field runs past its message');
        out.push({ no, bytes: b.subarray(pos, pos + n) });
        pos += n;
        break;
      }
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      default:
        throw bad(`wire type ${tag % 8}`);
    }
  }
  if (pos > end) throw bad('a field runs past its message');
  return out;
}

/** A map entry's key (field 1) and value (field 2). */
function entry(bytes: Uint8Array): { key: number; value?: number; raw?: Uint8Array } {
  let key = 0;
  let value: number | undefined;
  let raw: Uint8Array | undefined;
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.no === 1 && f.varint !== undefined) key = f.varint;
    if (f.no === 2) {
      value = f.varint;
      raw = f.bytes;
    }
  }
  return { key, value, raw };
}

/** Context id → its labels as [name, value] pairs (ids without a string are left out). */
export function readLabelsSnapshot(b: Uint8Array): Map<number, [string, string][]> {
  const strings = new Map<number, string>();
  const contexts: { id: number; pairs: [number, number][] }[] = [];
  const decoder = new TextDecoder();
  for (const f of fields(b, 0, b.length)) {
    if (!f.bytes) continue;
    const e = entry(f.bytes);
    if (f.no === 2 && e.raw) strings.set(e.key, decoder.decode(e.raw));
    if (f.no === 1) {
      const pairs: [number, number][] = [];
      for (const l of fields(e.raw ?? new Uint8Array(0), 0, e.raw?.length ?? 0)) {
        if (l.no !== 1 || !l.bytes) continue;
        const kv = entry(l.bytes);
        pairs.push([kv.key, kv.value ?? 0]);
      }
      contexts.push({ id: e.key, pairs });
    }
  }
  const out = new Map<number, [string, string][]>();
  for (const c of contexts) {
    const labels: [string, string][] = [];
    for (const [k, v] of c.pairs) {
      const name = strings.get(k);
      const value = strings.get(v);
      if (name !== undefined && value !== undefined) labels.push([name, value]);
    }
    out.set(c.id, labels);
  }
  return out;
}
