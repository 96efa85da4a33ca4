import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticator } from '../gateway/identity/authenticate.js';
import { AuthenticationError } from '../gateway/identity/errors.js';

const ROLES = new Set(['MASH_SOCIAL_WORKER', 'IG_OVERSIGHT']);
const ISSUER = 'https://idp.test.invalid/';
const AUDIENCE = 'mash-gateway';

interface Key {
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function key(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

const token = (k: Key, claims: Record<string, unknown> = { role: 'MASH_SOCIAL_WORKER', name: 'Alice', org: 'Northtown CSC' }) =>
  new SignJWT(claims).setProtectedHeader({ alg: k.alg, kid: k.jwk.kid! }).setSubject('alice').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(k.privateKey);

async function reason(auth: Authenticator, header: string): Promise<string> {
  try {
    await auth.authenticate(header);
    return 'accepted';
  } catch (error) {
    return error instanceof AuthenticationError ? error.reason : (error as { code: string }).code;
  }
}

// An identity provider's keys, as a remote JWKS (AUTH_JWKS_URL) and as a file (AUTH_JWKS_FILE).
describe('identity from an identity provider', () => {
  let keys: Key[];
  let server: Server;
  let url: string;
  let requests = 0;
  const dir = mkdtempSync(join(tmpdir(), 'mash-idp-'));
  beforeAll(async () => {
    keys = [await key('RS256', 'rsa-1'), await key('ES256', 'ec-1'), await key('EdDSA', 'ed-1')];
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies RS256, ES256 and EdDSA tokens against a remote JWKS, fetching the keys once', async () => {
    const auth = await createAuthenticator({ kind: 'jwks-url', url, issuer: ISSUER, audience: AUDIENCE, clockTolerance: 5 }, dir, ROLES);
    for (const k of keys) {
      expect(await auth.authenticate(`Bearer ${await token(k)}`)).toEqual({ sub: 'alice', name: 'Alice', role: 'MASH_SOCIAL_WORKER', org: 'Northtown CSC' });
    }
    expect(requests).toBe(1);
  });

  it('verifies tokens against a JWKS file, and refuses a key it does not hold', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [keys[0]!.jwk] }));
    const auth = await createAuthenticator({ kind: 'jwks-file', file, issuer: ISSUER, audience: AUDIENCE, clockTolerance: 5 }, dir, ROLES);
    expect((await auth.authenticate(`Bearer ${await token(keys[0]!)}`)).role).toBe('MASH_SOCIAL_WORKER');
    expect(await reason(auth, `Bearer ${await token(keys[1]!)}`)).toBe('KEY_UNKNOWN');
  });

  it('refuses an identity provider that cannot be reached, without letting anyone in', async () => {
    const auth = await createAuthenticator({ kind: 'jwks-url', url: 'http://127.0.0.1:9/jwks.json', issuer: ISSUER, audience: AUDIENCE, clockTolerance: 5 }, dir, ROLES);
    expect(await reason(auth, `Bearer ${await token(keys[2]!)}`)).toBe('KEYS_UNAVAILABLE');
  });

  it('stops accepting a remembered token once it expires', async () => {
    const auth = await createAuthenticator({ kind: 'jwks-url', url, issuer: ISSUER, audience: AUDIENCE, clockTolerance: 0 }, dir, ROLES);
    const k = keys[2]!;
    const shortLived = await new SignJWT({ role: 'MASH_SOCIAL_WORKER' }).setProtectedHeader({ alg: k.alg, kid: k.jwk.kid! }).setSubject('alice').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(k.privateKey);
    expect(await reason(auth, `Bearer ${shortLived}`)).toBe('accepted');
    expect(await reason(auth, `Bearer ${shortLived}`)).toBe('accepted');
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await reason(auth, `Bearer ${shortLived}`)).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token whose role the gateway does not serve', async () => {
    const auth = await createAuthenticator({ kind: 'jwks-url', url, issuer: ISSUER, audience: AUDIENCE, clockTolerance: 5 }, dir, ROLES);
    expect(await reason(auth, `Bearer ${await token(keys[2]!, { role: 'JANITOR' })}`)).toBe('FORBIDDEN');
  });
});
