import { compactVerify, importJWK, type CryptoKey, type JWK, type JWTVerifyGetKey } from 'jose';
import { seed } from '../subgraphs/shared/store.js';
import { openSql } from '../subgraphs/shared/sql.js';
import { startSubgraph, type RunningAgency } from '../subgraphs/shared/subgraphServer.js';
import { agencies } from '../subgraphs/registry.js';
import { serveChild } from './ipc.js';

/** What the subgraph host reports when ready: where each agency answers. */
export interface SubgraphHostInfo {
  urls: Record<string, string>;
  store: string;
}

/**
 * Child process: the four agency subgraphs, started once and shared by every gateway under test, as the
 * product's own stack starts them (seeded store, gateway-signed token required). Which gateways may call
 * them is a keyring the parent grows with `trust(jwk)`: the baselines' signer and each policy gateway's own.
 *
 * Env: BENCH_DATABASE_URL (PostgreSQL) or BENCH_DATA_DIR (embedded PGlite), BENCH_SEED_CHILDREN.
 */
await serveChild<SubgraphHostInfo>(async () => {
  // Gateways started in the same millisecond share a key id (`gw-<ms>`): keep every key under its id and,
  // when several share one, pick the key whose signature verifies.
  const keys = new Map<string, CryptoKey[]>();
  const gatewayKey: JWTVerifyGetKey = async (header, token) => {
    const candidates = keys.get(header.kid ?? '') ?? [];
    if (candidates.length <= 1) return candidates[0] ?? Promise.reject(new Error(`no trusted gateway key ${header.kid}`));
    for (const key of candidates) {
      try {
        await compactVerify(`${token.protected ?? ''}.${String(token.payload)}.${token.signature}`, key);
        return key;
      } catch {
        // not this one
      }
    }
    throw new Error(`no trusted gateway key ${header.kid} verifies this token`);
  };

  const databaseUrl = process.env['BENCH_DATABASE_URL'] || undefined;
  const sql = await openSql({ url: databaseUrl, dataDir: process.env['BENCH_DATA_DIR'] ?? 'memory://', tag: 'agencies', poolSize: 16 });
  const children = Number(process.env['BENCH_SEED_CHILDREN'] ?? 300);
  for (const agency of agencies) await seed(sql.tagged(`seed:${agency.name}`), agency, children);
  const running: RunningAgency[] = [];
  for (const agency of agencies) {
    running.push(await startSubgraph({ agency, sql: sql.tagged(agency.name), gatewayKey }));
  }
  return {
    info: { urls: Object.fromEntries(running.map((r) => [r.agency.name, r.url])), store: sql.describe },
    handlers: {
      async trust(jwk: JWK) {
        const key = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
        keys.set(jwk.kid ?? '', [...(keys.get(jwk.kid ?? '') ?? []), key]);
        return keys.size;
      },
      statements() {
        return Object.fromEntries(sql.statements);
      },
    },
    async close() {
      for (const r of running) await r.close();
      await sql.close();
    },
  };
});
