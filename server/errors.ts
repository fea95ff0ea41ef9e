// Client errors: what a request did wrong, with the HTTP status and Connect code it is answered with.
import { Code, ConnectError } from '@connectrpc/connect';

/** A request the server refuses (4xx); `message` is shown to the client as is. */
export class ClientError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 422 | 429,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }

  /** The Connect error code a Connect client sees for this status. */
  get code(): Code {
    switch (this.status) {
      case 401:
        return Code.Unauthenticated;
      case 403:
        return Code.PermissionDenied;
      case 404:
        return Code.NotFound;
      case 413:
      case 429:
        return Code.ResourceExhausted;
      case 422:
        return Code.Unimplemented;
      default:
        return Code.InvalidArgument;
    }
  }

  toConnect(): ConnectError {
    return new ConnectError(this.message, this.code);
  }
}

/** Connect's code names as they appear in a JSON error body. */
export const CODE_NAME: Record<number, string> = {
  [Code.InvalidArgument]: 'invalid_argument',
  [Code.Unauthenticated]: 'unauthenticated',
  [Code.PermissionDenied]: 'permission_denied',
  [Code.NotFound]: 'not_found',
  [Code.ResourceExhausted]: 'resource_exhausted',
  [Code.Unimplemented]: 'unimplemented',
  [Code.Internal]: 'internal',
  [Code.Unavailable]: 'unavailable',
};
