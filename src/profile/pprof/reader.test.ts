import { gzipSync } from 'fflate';
import { Label, Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { readFixture, readMalformed } from '../../../tests/helpers/corpus';
import { expectSame } from '../../../tests/helpers/same-data';
import { ProfileError } from '../../common/profile-error';
import { loadProfile } from '../../../tests/oracle/load';
import { readProfileData } from './reader';
import { toProfileData } from '../../../tests/oracle/profile-data';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as Error).message;
  }
  return 'no error';
}

// The streaming reader must give exactly what pprof-format's decode (through toProfileData) gives.
describe('streaming pprof reader agrees with pprof-format', () => {
  it("stacks: 'distinct' keeps each stack once and gives every sample the same stack", () => {
    for (const f of ['go-heap.pb.gz', 'go-cpu.pb.gz', 'no-addr-no-line.pb.gz', 'large.cpu', 'go-cpu-tiny.pb.gz']) {
      const perSample = readProfileData(readFixture(f));
      const d = readProfileData(readFixture(f), { stacks: 'distinct' });
      const stack = (starts: Int32Array, locs: Int32Array, k: number) => [...locs.subarray(starts[k]!, starts[k + 1]!)].join(',');
      const seen = new Set<string>();
      for (let k = 0; k + 1 < d.stackStart.length; k++) seen.add(stack(d.stackStart, d.stackLocations, k));
      expect(seen.size, f).toBe(d.stackStart.length - 1); // no stack twice
      expect(d.sampleStack!.length, f).toBe(perSample.sampleCount);
      const differing: number[] = [];
      for (let i = 0; i < perSample.sampleCount; i++) {
        const same =
          stack(d.stackStart, d.stackLocations, d.sampleStack![i]!) === stack(perSample.stackStart, perSample.stackLocations, i);
        if (!same) differing.push(i);
      }
      expect(differing, `${f}: samples whose stack differs`).toEqual([]);
      const { stackStart: _a, stackLocations: _b, sampleStack: _c, ...rest } = d;
      const { stackStart: _d, stackLocations: _e, ...restPerSample } = perSample;
      expectSame(rest, restPerSample, f);
    }
  });

  it('a session releases the per-sample stacks and rebuilds them exactly from the trie', async () => {
    const { openProfile } = await import('../model/session');
    for (const f of ['go-heap.pb.gz', 'go-cpu.pb.gz', 'no-addr-no-line.pb.gz', 'large.cpu']) {
      const s = openProfile(readFixture(f));
      expect(s.data.stackLocations.length, f).toBe(0);
      expectSame(s.fullData(), readProfileData(readFixture(f)), f);
    }
  });

  it('skips fields it does not know, of every wire type', () => {
    const p = loadProfile(readFixture('go-cpu.pb.gz'));
    const known = p.encode();
    // Unknown fields appended to the Profile message: 100 (varint), 101 (bytes), 102 (fixed64), 103 (fixed32).
    const extra = Uint8Array.from([
      0xa0, 0x06, 0x2a, 0xaa, 0x06, 0x03, 1, 2, 3, 0xb1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0xbd, 0x06, 1, 2, 3, 4,
    ]);
    const bytes = new Uint8Array(known.length + extra.length);
    bytes.set(known);
    bytes.set(extra, known.length);
    expect(readProfileData(bytes)).toEqual(readProfileData(known));
  });

  it('reads repeated fields unpacked as well as packed: location ids, values, comments', () => {
    const str = (t: string) => [0x32, t.length, ...Array.from(t, (c) => c.charCodeAt(0))];
    const bytes = Uint8Array.from([
      ...[0x0a, 0x04, 0x08, 0x01, 0x10, 0x02], // sample type samples/count
      ...[0x12, 0x06, 0x08, 0x01, 0x08, 0x02, 0x10, 0x05], // a sample: ids 1, 2 and value 5, unpacked
      ...[0x12, 0x06, 0x0a, 0x02, 0x02, 0x01, 0x10, 0x03], // another: ids 2, 1 packed, value 3 unpacked
      ...[0x22, 0x06, 0x08, 0x01, 0x22, 0x02, 0x08, 0x01], // location 1 → function 1
      ...[0x22, 0x06, 0x08, 0x02, 0x22, 0x02, 0x08, 0x01], // location 2 → function 1
      ...[0x2a, 0x04, 0x08, 0x01, 0x10, 0x03], // function 1, named "main"
      ...str(''),
      ...str('samples'),
      ...str('count'),
      ...str('main'),
      ...str('note'),
      ...[0x6a, 0x02, 0x04, 0x03], // comments "note", "main", packed
      ...[0x68, 0x04], // and "note" unpacked
    ]);
    const got = readProfileData(bytes);
    expect(got.comments).toEqual(['note', 'main', 'note']);
    expect(Array.from(got.stackLocations)).toEqual([0, 1, 1, 0]);
    expect(Array.from(got.values[0]!)).toEqual([5, 3]);
    expect(got).toEqual(toProfileData(Profile.decode(bytes)));
  });

  it('reads negative int64 values and huge uint64 addresses', () => {
    const p = loadProfile(readFixture('go-cpu-tiny.pb.gz'));
    p.sample[0]!.value[1] = -123456789012n;
    p.location[0]!.address = 0xffffffff81000000n;
    const bytes = gzipSync(p.encode());
    const got = readProfileData(bytes);
    expect(got.values[1]![0]).toBe(-123456789012);
    expect(got.locationAddress[0]).toBe(0xffffffff81000000);
    expect(got).toEqual(toProfileData(Profile.decode(p.encode())));
  });

  it('reads location ids of every varint length (the packed ids have a fast path up to four bytes)', () => {
    for (const offset of [0n, 1n << 7n, 1n << 14n, (1n << 28n) - 20000n, 1n << 28n, 1n << 35n, 1n << 52n]) {
      const p = loadProfile(readFixture('go-cpu-tiny.pb.gz'));
      for (const l of p.location) l.id = BigInt(l.id) + offset;
      for (const smp of p.sample) smp.locationId = smp.locationId.map((id) => BigInt(id) + offset);
      const bytes = p.encode();
      expect(readProfileData(bytes), `ids + ${offset}`).toEqual(toProfileData(Profile.decode(bytes)));
    }
  });

  it('labels: repeated sets (read once, then applied again), reordered, duplicate keys, numeric and empty values', () => {
    const p = loadProfile(readFixture('go-cpu.pb.gz'));
    const st = p.stringTable;
    const str = (x: string) => st.dedup(x);
    const label = (key: string, value: string) => new Label({ key: str(key), str: value === '' ? 0 : str(value) });
    const sets = [
      () => [label('handler', '/api'), label('pod', 'p-1')],
      () => [label('pod', 'p-1'), label('handler', '/api')], // the same set, read in another order
      () => [label('handler', '/api'), label('handler', '/other')], // the key twice: the last value stays
      () => [label('handler', '/api'), new Label({ key: str('bytes'), num: 1024, numUnit: str('bytes') })],
      () => [label('handler', ''), label('pod', 'p-2')],
      () => [],
    ];
    p.sample.forEach((smp, i) => (smp.label = sets[i % sets.length]!()));
    const bytes = p.encode();
    const got = readProfileData(bytes);
    expect(got).toEqual(toProfileData(Profile.decode(bytes)));
    expect(got.labels.find((l) => l.key === 'handler')!.values.slice(0, 6)).toEqual(['/api', '/api', '/other', '/api', '0', '']); // an empty str is a number label
    expect(got.labelTags!.labelSet[0]).toBe(got.labelTags!.labelSet[1]); // one set, whatever the order
    expect(got.labelTags!.labelSet[6]).toBe(got.labelTags!.labelSet[0]);
  });

  it('labels of many values (a span id per sample, past what is remembered) read the same', () => {
    const p = loadProfile(readFixture('go-cpu-tiny.pb.gz'));
    const first = p.sample[0]!;
    const span = p.stringTable.dedup('span_id');
    const kind = p.stringTable.dedup('kind');
    const web = p.stringTable.dedup('web');
    p.sample = Array.from({ length: 70_000 }, (_, i) => {
      const smp = Object.assign(Object.create(Object.getPrototypeOf(first)), first);
      smp.label = [new Label({ key: kind, str: web }), new Label({ key: span, str: p.stringTable.dedup(`s${i}`) })];
      return smp;
    });
    const bytes = p.encode();
    const got = readProfileData(bytes);
    expect(got).toEqual(toProfileData(Profile.decode(bytes)));
    expect(got.labels.find((l) => l.key === 'span_id')!.values[69_999]).toBe('s69999');
  });

  it('a packed location id that runs past its sample is an error, not a frame', () => {
    // Sample { location_id: packed [1, <varint cut short>] ; value: 1 }
    const p = loadProfile(readFixture('go-cpu-tiny.pb.gz'));
    p.sample = [p.sample[0]!];
    const good = p.encode();
    const sampleTag = 0x12;
    const bad = Uint8Array.from([sampleTag, 6, 0x0a, 2, 0x01, 0x81, 0x10, 0x01]);
    const bytes = new Uint8Array(good.length + bad.length);
    bytes.set(good);
    bytes.set(bad, good.length);
    expect(errorOf(() => readProfileData(bytes))).toMatch(/varint runs past its message/);
  });

  it('gives the same errors for bad input', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const garbage = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    garbage[0] = 0x0a;
    const truncated = readFixture('go-heap.pb.gz').subarray(0, 5000);
    for (const b of [new Uint8Array(), png, garbage, truncated, readMalformed('function-id-zero.pb.gz')]) {
      const e = errorOf(() => readProfileData(b));
      expect(e).not.toBe('no error');
      if (b !== garbage) expect(e).toBe(errorOf(() => loadProfile(b)));
    }
  });
});
