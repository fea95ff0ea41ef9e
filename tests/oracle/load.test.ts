import { gzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { readFixture, readMalformed } from '../helpers/corpus';
import { ProfileError } from '../../src/common/profile-error';
import { gunzipLimited, isGzip } from '../../src/common/gzip';
import { loadProfile } from './load';

function loadError(bytes: Uint8Array, opts = {}): ProfileError {
  try {
    loadProfile(bytes, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return e as ProfileError;
  }
  throw new Error('expected loadProfile to fail');
}

describe('loadProfile', () => {
  it('sniffs gzip by magic bytes, not by name: raw .pb.gz files decode', () => {
    const raw = readFixture('pyspy.pb.gz'); // named .pb.gz, not gzipped
    expect(isGzip(raw)).toBe(false);
    const p = loadProfile(raw);
    expect(p.sample.length).toBe(16);
    const gz = readFixture('go-cpu-tiny.pb.gz');
    expect(isGzip(gz)).toBe(true);
    expect(loadProfile(gz).sample.length).toBe(6);
  });

  it('gives the same profile gzipped or not', () => {
    const raw = readFixture('dotnet.pprof');
    const a = loadProfile(raw);
    const b = loadProfile(gzipSync(raw));
    expect(b.sample.length).toBe(a.sample.length);
    expect(b.stringTable.strings).toEqual(a.stringTable.strings);
  });

  it('rejects an empty file', () => {
    expect(loadError(new Uint8Array()).kind).toBe('empty');
    expect(loadError(gzipSync(new Uint8Array())).kind).toBe('empty');
  });

  it('names common non-pprof files', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(loadError(png).message).toMatch(/PNG image, not a pprof profile/);
    expect(loadError(new TextEncoder().encode('hello, this is text\n')).message).toMatch(/text file/);
  });

  it('rejects truncated gzip with a clear message', () => {
    const gz = readFixture('go-heap.pb.gz');
    const e = loadError(gz.subarray(0, gz.length >> 1));
    expect(e.kind).toBe('corrupt-gzip');
    expect(e.message).toMatch(/truncated or corrupt/);
  });

  it('rejects what go tool pprof rejects: function with reserved ID=0', () => {
    const e = loadError(readMalformed('function-id-zero.pb.gz'));
    expect(e.kind).toBe('invalid-profile');
    expect(e.message).toMatch(/found function with reserved ID=0/);
  });

  it('rejects protobuf garbage', () => {
    const bytes = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    bytes[0] = 0x0a; // looks like a field tag
    expect(loadError(bytes).kind).toBe('not-pprof');
  });

  it('rejects a sample whose values do not match the sample types', () => {
    const p = loadProfile(readFixture('go-cpu-tiny.pb.gz'));
    p.sample[0]!.value.push(1);
    const e = loadError(p.encode());
    expect(e.message).toMatch(/sample 0 has 3 values but the profile declares 2 sample types/);
  });

  it('keeps invalid UTF-8 as replacement characters', () => {
    const p = loadProfile(readFixture('invalid-utf8.pb.gz'));
    expect(p.stringTable.strings.some((s) => s.includes('\uFFFD'))).toBe(true);
  });

  it('stops decompressing at the limit', () => {
    const bomb = gzipSync(new Uint8Array(8 << 20));
    const e = loadError(bomb, { maxDecompressedBytes: 1 << 20 });
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/more than 1 MiB/);
    expect(gunzipLimited(bomb, 8 << 20).length).toBe(8 << 20);
  });

  it('reports decompression progress', () => {
    const seen: string[] = [];
    loadProfile(readFixture('large.cpu'), { onProgress: (p) => seen.push(p.phase) });
    expect(seen[0]).toBe('decompressing');
    expect(seen).toContain('decoding');
  });

  it('re-encodes to the same profile through pprof-format', () => {
    const p = loadProfile(readFixture('go-cpu.pb.gz'));
    const q = Profile.decode(p.encode());
    expect(q.sample.length).toBe(p.sample.length);
  });
});
