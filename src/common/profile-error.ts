/** Why a profile could not be opened; `message` is written for the person who opened it. */
export type ProfileErrorKind =
  'empty' | 'not-pprof' | 'corrupt-gzip' | 'too-large' | 'invalid-profile' | 'no-samples-type' | 'incomparable';

export class ProfileError extends Error {
  constructor(
    readonly kind: ProfileErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}
