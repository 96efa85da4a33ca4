import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { openDevIssuer, type DevIssuer } from './devIssuer.js';
import { AuthenticationError, ForbiddenError } from './errors.js';

/** The practitioner behind a request, as their verified token says. */
export interface Caller {
  sub: string;
  name: string | null;
  role: string;
  org: string | null;
}

/** Asymmetric algorithms only: a shared-secret (HS*) or `none` token is refused before its signature is read. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Caller>;
  /** Set when running the development issuer. */
  devIssuer: DevIssuer | null;
  describe: string;
}

const REASONS: Record<string, [reason: string, message: string]> = {
  ERR_JWT_EXPIRED: ['TOKEN_EXPIRED', 'The token has expired.'],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ['SIGNATURE_INVALID', 'The token signature does not verify.'],
  ERR_JOSE_ALG_NOT_ALLOWED: ['ALGORITHM_NOT_ALLOWED', `The token's algorithm is not allowed (allowed: ${ALLOWED_ALGORITHMS.join(', ')}).`],
  ERR_JWKS_NO_MATCHING_KEY: ['KEY_UNKNOWN', 'No trusted key matches the token.'],
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: ['KEY_UNKNOWN', 'The token matches more than one trusted key.'],
  ERR_JWS_INVALID: ['TOKEN_MALFORMED', 'The token is not a valid JWS.'],
  ERR_JWT_INVALID: ['TOKEN_MALFORMED', 'The token is not a valid JWT.'],
  ERR_JOSE_NOT_SUPPORTED: ['TOKEN_MALFORMED', 'The token uses an unsupported feature.'],
  ERR_JWKS_TIMEOUT: ['KEYS_UNAVAILABLE', 'The identity provider keys could not be fetched in time.'],
  ERR_JWKS_INVALID: ['KEYS_UNAVAILABLE', 'The identity provider keys are not a valid JWKS.'],
};

export async function createAuthenticator(config: AuthConfig, dataDir: string, roles: ReadonlySet<string>): Promise<Authenticator> {
  let keys: JWTVerifyGetKey;
  let devIssuer: DevIssuer | null = null;
  let describe: string;
  if (config.kind === 'dev') {
    devIssuer = await openDevIssuer(dataDir);
    keys = createLocalJWKSet({ keys: [devIssuer.publicJwk] });
    describe = 'development issuer (key under DATA_DIR/keys; mint tokens with npm run token)';
  } else if (config.kind === 'jwks-file') {
    keys = createLocalJWKSet(JSON.parse(readFileSync(config.file, 'utf8')));
    describe = `JWKS file ${config.file}`;
  } else {
    keys = createRemoteJWKSet(new URL(config.url), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    describe = `JWKS at ${config.url}`;
  }

  // A verified token is remembered until it expires: the same bytes verify the same way, and a client sends
  // one token with many requests. Only successes are kept, so a bad token is checked (and refused) every time.
  const verified = new Map<string, { caller: Caller; expiresAt: number }>();
  const MAX_CACHED = 10_000;

  return {
    devIssuer,
    describe,
    async authenticate(authorization) {
      if (!authorization) throw new AuthenticationError('Sign in: send Authorization: Bearer <token>.', 'TOKEN_MISSING');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>".', 'TOKEN_MALFORMED');
      const cached = verified.get(match[1] as string);
      if (cached) {
        if (Date.now() < cached.expiresAt) return cached.caller;
        verified.delete(match[1] as string);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(match[1] as string, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: config.clockTolerance,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
          const claim = (error as { claim?: string }).claim;
          const reason = claim === 'iss' ? 'ISSUER_INVALID' : claim === 'aud' ? 'AUDIENCE_INVALID' : claim === 'nbf' ? 'TOKEN_NOT_YET_VALID' : 'CLAIMS_INVALID';
          throw new AuthenticationError(`The token's "${claim}" claim is not accepted.`, reason);
        }
        const known = REASONS[code];
        if (known) throw new AuthenticationError(known[1], known[0], known[0] === 'KEYS_UNAVAILABLE' ? 503 : 401);
        if (!code.startsWith('ERR_')) throw new AuthenticationError(`The identity provider's keys could not be fetched: ${(error as Error).message}`, 'KEYS_UNAVAILABLE', 503);
        throw new AuthenticationError('The token could not be verified.', 'TOKEN_INVALID');
      }
      const role = payload['role'];
      if (typeof role !== 'string' || role === '') throw new ForbiddenError('The token carries no role claim.');
      if (!roles.has(role)) throw new ForbiddenError(`Role "${role.slice(0, 60)}" is not a MASH role this gateway serves (known: ${[...roles].join(', ')}).`);
      const caller: Caller = {
        sub: payload.sub as string,
        name: typeof payload['name'] === 'string' ? payload['name'] : null,
        role,
        org: typeof payload['org'] === 'string' ? payload['org'] : null,
      };
      if (verified.size >= MAX_CACHED) verified.delete(verified.keys().next().value as string);
      verified.set(match[1] as string, { caller, expiresAt: (payload.exp as number) * 1000 + config.clockTolerance * 1000 });
      return caller;
    },
  };
}
