import { generateKeyPairSync, sign as ed25519Sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { GATEWAY_ISSUER, GATEWAY_TOKEN_TTL_SECONDS, type GatewayClaims } from '../../subgraphs/shared/gatewayToken.js';

/**
 * Signs the short-lived token the gateway sends with every subgraph request. The key pair is made at start
 * and lives only in memory; subgraphs in other processes read the public key from /.well-known/jwks.json and
 * verify with jose.
 */
export interface SubgraphSigner {
  publicKey: KeyObject;
  publicJwk: JWK;
  sign(claims: GatewayClaims, audience: string): Promise<string>;
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');

export async function createSubgraphSigner(): Promise<SubgraphSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = `gw-${Date.now().toString(36)}`;
  const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' };
  const header = b64url(JSON.stringify({ alg: 'EdDSA', kid, typ: 'JWT' }));
  return {
    publicKey,
    publicJwk,
    // A compact JWS (RFC 7515) built with node:crypto's synchronous Ed25519 signature: every subgraph request
    // needs one, and jose's WebCrypto path costs twice the CPU (60 µs against 27 µs per token, measured in
    // the benchmark's profile). Verification stays with jose on the subgraph side.
    async sign(claims, audience) {
      const now = Math.floor(Date.now() / 1000);
      const { sub, ...rest } = claims;
      const payload = b64url(JSON.stringify({ ...rest, sub, iss: GATEWAY_ISSUER, aud: audience, iat: now, exp: now + GATEWAY_TOKEN_TTL_SECONDS }));
      const input = `${header}.${payload}`;
      return `${input}.${ed25519Sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    },
  };
}
