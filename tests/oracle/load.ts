// The tests' independent way to read a profile: pprof-format's decoder (one object per sample,
// location and line) checked by the same rules as the app's streaming reader. The reader's tests
// compare the two (src/profile/pprof/reader.test.ts).
import { Profile } from 'pprof-format';
import { type LoadOptions, rawProfileBytes } from '../../src/common/pprof-bytes';
import { notPprof, validateProfile } from '../../src/common/pprof-rules';

/**
 * Bytes of a file (gzipped or not) → a decoded, validated pprof Profile. Every failure is a
 * ProfileError whose message names the problem for a person.
 */
export function loadProfile(bytes: Uint8Array, opts: LoadOptions = {}): Profile {
  const raw = rawProfileBytes(bytes, opts);
  let profile: Profile;
  opts.onProgress?.({ phase: 'decoding' });
  try {
    profile = Profile.decode(raw);
  } catch (e) {
    throw notPprof(`protobuf decoding failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  validateProfile(profile);
  return profile;
}
