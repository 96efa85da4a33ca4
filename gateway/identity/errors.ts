/** The caller could not be identified: HTTP 401, `extensions.code` UNAUTHENTICATED, no data. */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';
  /** 401, or 503 when the identity provider's keys cannot be fetched (nobody can be verified, so nobody gets in). */
  constructor(message: string, readonly reason: string, readonly status: 401 | 503 = 401) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The caller is known but has no role this gateway serves: HTTP 403, FORBIDDEN. */
export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The request's declared purpose is not one of the vocabulary's: HTTP 400, BAD_REQUEST. */
export class PurposeError extends Error {
  readonly code = 'BAD_REQUEST';
  readonly status = 400;
  constructor(message: string, readonly validPurposes: string[]) {
    super(message);
    this.name = 'PurposeError';
  }
}
