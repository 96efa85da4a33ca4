import { resolve } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { agencies, agencyNamed } from './registry.js';
import { openSql } from './shared/sql.js';
import { seed } from './shared/store.js';
import { startSubgraph } from './shared/subgraphServer.js';

/**
 * `npm run subgraph -- <agency>`: serves one agency on its own (as docker-compose does), seeding its store on
 * first run. It trusts only tokens signed by the gateway key published at GATEWAY_JWKS_URL.
 */
const name = process.argv[2];
const agency = name ? agencyNamed(name) : undefined;
if (!agency) {
  console.error(`usage: npm run subgraph -- <agency>   (one of: ${agencies.map((a) => a.name).join(', ')})`);
  process.exit(2);
}
const problems: string[] = [];
const jwksUrl = process.env['GATEWAY_JWKS_URL'];
if (!jwksUrl) problems.push('GATEWAY_JWKS_URL: required, the gateway\'s /.well-known/jwks.json (e.g. http://gateway:4000/.well-known/jwks.json)');
const base = Number(process.env['PORT'] ?? 4000);
const port = Number(process.env[`${agency.envPrefix}_PORT`] ?? base + agency.portOffset);
if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${agency.envPrefix}_PORT: expected a port number`);
if (problems.length > 0) {
  console.error(`The configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(2);
}
const sql = await openSql({ url: process.env['DATABASE_URL'] || undefined, dataDir: resolve(process.env['DATA_DIR'] || './data'), tag: agency.name });
const seeded = await seed(sql, agency, Number(process.env['SEED_CHILDREN'] ?? 300));
const running = await startSubgraph({ agency, sql, gatewayKey: createRemoteJWKSet(new URL(jwksUrl as string)), port, host: process.env['HOST'] || '127.0.0.1' });
console.log(`${agency.title} subgraph at ${running.url} (${sql.describe}; ${seeded.added > 0 ? `seeded ${seeded.added} children` : `${seeded.children} children`})`);
const stop = async () => {
  await running.close();
  await sql.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
