import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { GATEWAY_ISSUER, GATEWAY_TOKEN_TTL_SECONDS, type GatewayClaims } from '../../subgraphs/shared/gatewayToken.js';

/**
 * Signs the short-lived token the gateway sends with every subgraph request. The key pair is made at start
 * and lives only in memory; subgraphs in other processes read the public key from /.well-known/jwks.json.
 */
export interface SubgraphSigner {
  publicKey: CryptoKey;
  publicJwk: JWK;
  sign(claims: GatewayClaims, audience: string): Promise<string>;
}

export async function createSubgraphSigner(): Promise<SubgraphSigner> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `gw-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    publicKey,
    publicJwk,
    sign(claims, audience) {
      const { sub, ...rest } = claims;
      return new SignJWT({ ...rest })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(sub)
        .setIssuer(GATEWAY_ISSUER)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${GATEWAY_TOKEN_TTL_SECONDS}s`)
        .sign(privateKey);
    },
  };
}
