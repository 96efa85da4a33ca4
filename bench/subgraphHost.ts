import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import { seed } from '../subgraphs/shared/store.js';
import { openSql } from '../subgraphs/shared/sql.js';
import { startSubgraph } from '../subgraphs/shared/subgraphServer.js';
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
  const keys: JWK[] = [];
  let keySet = createLocalJWKSet({ keys: [] });
  const gatewayKey: JWTVerifyGetKey = (header, token) => keySet(header, token);

  const databaseUrl = process.env['BENCH_DATABASE_URL'] || undefined;
  const sql = await openSql({ url: databaseUrl, dataDir: process.env['BENCH_DATA_DIR'] ?? 'memory://', tag: 'agencies', poolSize: 16 });
  const children = Number(process.env['BENCH_SEED_CHILDREN'] ?? 300);
  for (const agency of agencies) await seed(sql.tagged(`seed:${agency.name}`), agency, children);
  const running = [];
  for (const agency of agencies) {
    running.push(await startSubgraph({ agency, sql: sql.tagged(agency.name), gatewayKey }));
  }
  return {
    info: { urls: Object.fromEntries(running.map((r) => [r.agency.name, r.url])), store: sql.describe },
    handlers: {
      trust(jwk: JWK) {
        keys.push(jwk);
        keySet = createLocalJWKSet({ keys: [...keys] });
        return keys.length;
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
