import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../config.js';

/**
 * The local development issuer used when no AUTH_* variable is set. Its Ed25519 key is generated on first
 * start under DATA_DIR/keys (mode 0600) and never committed; `npm run token` signs with the same key.
 */
export interface DevIssuer {
  publicJwk: JWK;
  mint(claims: { sub: string; role: string; name?: string; org?: string }, options?: { expiresIn?: string }): Promise<string>;
}

export function devIssuerKeyFile(dataDir: string): string {
  return join(dataDir, 'keys', 'dev-issuer.jwk');
}

export async function openDevIssuer(dataDir: string): Promise<DevIssuer> {
  const file = devIssuerKeyFile(dataDir);
  let jwk: JWK;
  if (existsSync(file)) {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    jwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', kid: `dev-${Date.now().toString(36)}`, use: 'sig' };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const key = await importJWK(jwk, 'EdDSA');
  const { d: _private, ...publicJwk } = jwk;
  return {
    publicJwk,
    mint(claims, options = {}) {
      const jwt = new SignJWT({ role: claims.role, name: claims.name ?? claims.sub, org: claims.org ?? 'Synthetic MASH' })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid as string, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '8h');
      return jwt.sign(key);
    },
  };
}
