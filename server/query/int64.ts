// Sums are float64; what leaves the server as int64 saturates at int64's bounds rather than
// failing to encode (two samples of 2^62 on one stack sum past 2^63 − 1).
const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);

export function toInt64(v: number): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v >= 2 ** 63) return MAX;
  if (v <= -(2 ** 63)) return MIN;
  return BigInt(Math.round(v));
}
