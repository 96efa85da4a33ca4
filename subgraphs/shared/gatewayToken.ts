import { jwtVerify, type JWTVerifyGetKey, type CryptoKey, type KeyObject } from 'jose';

/**
 * The contract between the gateway and the agencies: every subgraph request carries a short-lived token that
 * the gateway signed (EdDSA, its own key) naming the caller, their role, the declared purpose and the request
 * id. A subgraph answers nothing without one, so no one can query an agency around the policy.
 */
export const GATEWAY_ISSUER = 'urn:mash-gateway';
export const GATEWAY_TOKEN_TTL_SECONDS = 60;

export interface GatewayClaims {
  sub: string;
  name: string | null;
  role: string;
  org: string | null;
  purpose: string | null;
  /** The gateway's request id, so both sides' logs and the audit line up. */
  rid: string;
}

export class GatewayTokenError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(message: string) {
    super(message);
    this.name = 'GatewayTokenError';
  }
}

export type GatewayKey = JWTVerifyGetKey | CryptoKey | KeyObject;

/** Returns a function that verifies the `Authorization` header of a request to the agency `audience`. */
export function gatewayTokenVerifier(key: GatewayKey, audience: string, maxTokenAgeSeconds = GATEWAY_TOKEN_TTL_SECONDS * 2): (authorization: string | undefined) => Promise<GatewayClaims> {
  return async (authorization) => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match) throw new GatewayTokenError('This agency answers only the MASH gateway: a gateway-signed bearer token is required.');
    try {
      const { payload } = await jwtVerify(match[1] as string, key as JWTVerifyGetKey, {
        issuer: GATEWAY_ISSUER,
        audience,
        algorithms: ['EdDSA'],
        maxTokenAge: maxTokenAgeSeconds,
        clockTolerance: 5,
      });
      if (typeof payload.sub !== 'string' || typeof payload['role'] !== 'string' || typeof payload['rid'] !== 'string') {
        throw new GatewayTokenError('The gateway token lacks sub, role or rid.');
      }
      return {
        sub: payload.sub,
        name: typeof payload['name'] === 'string' ? payload['name'] : null,
        role: payload['role'],
        org: typeof payload['org'] === 'string' ? payload['org'] : null,
        purpose: typeof payload['purpose'] === 'string' ? payload['purpose'] : null,
        rid: payload['rid'],
      };
    } catch (error) {
      if (error instanceof GatewayTokenError) throw error;
      throw new GatewayTokenError(`The gateway token was refused: ${(error as Error).message}`);
    }
  };
}
