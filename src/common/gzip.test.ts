import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { gunzipLimited, gunzipNative } from './gzip';
import type { ProfileError } from './profile-error';

describe('gunzipLimited and gunzipNative', () => {
  it('decompresses exactly whatever size the gzip trailer states', () => {
    const data = new Uint8Array(3 << 20).map((_, i) => (i * 7919) >>> 5);
    const same = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(data));
    const gz = gzipSync(data);
    expect(same(gunzipLimited(gz))).toBe(true);
    for (const stated of [0, 1, 1 << 20, (3 << 20) + 1, 0xffffffff]) {
      const lying = gz.slice();
      new DataView(lying.buffer).setUint32(lying.length - 4, stated, true);
      expect(same(gunzipLimited(lying)), `trailer says ${stated}`).toBe(true);
    }
    // Two gzip members: the trailer states the last member's size only.
    const a = gzipSync(data.subarray(0, 1000));
    const b = gzipSync(data.subarray(1000));
    const two = new Uint8Array(a.length + b.length);
    two.set(a);
    two.set(b, a.length);
    expect(same(gunzipLimited(two))).toBe(true);
  });

  it("inflates with the runtime's zlib exactly as with fflate, errors included", async () => {
    const data = new Uint8Array(3 << 20).map((_, i) => (i * 7919) >>> 5);
    const same = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(data));
    const gz = gzipSync(data);
    expect(same(await gunzipNative(gz))).toBe(true);
    const lying = gz.slice();
    new DataView(lying.buffer).setUint32(lying.length - 4, 1, true);
    expect(same(await gunzipNative(lying))).toBe(true);
    const a = gzipSync(data.subarray(0, 1000));
    const b = gzipSync(data.subarray(1000));
    const two = new Uint8Array(a.length + b.length);
    two.set(a);
    two.set(b, a.length);
    expect(same(await gunzipNative(two))).toBe(true);
    const errorOf = async (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: ProfileError) => `${e.kind}: ${e.message}`,
      );
    const truncated = gz.subarray(0, gz.length >> 1);
    expect(await errorOf(gunzipNative(truncated))).toBe(await errorOf(Promise.resolve().then(() => gunzipLimited(truncated))));
    expect(await errorOf(gunzipNative(gz, 1 << 20))).toMatch(/^too-large: .*more than 1 MiB/);
  });
});
