import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { openAuditLog, type AuditLog } from './audit/AuditLog.js';
import { retentionCutoff } from './audit/auditConfig.js';
import { pruneLog } from './audit/pruneLog.js';
import type { Config } from './config.js';
import { createGateway } from './createGateway.js';
import { createAuthenticator, type Authenticator } from './identity/authenticate.js';
import { createSubgraphSigner, type SubgraphSigner } from './identity/subgraphSigner.js';
import { loadVocabulary } from './policy/vocabulary.js';
import type { PolicyGateway } from './PolicyGateway.js';
import { createGatewayServer } from './server.js';
import { GOVERNANCE, startGovernance } from './governance/startGovernance.js';
import { seed } from '../subgraphs/shared/store.js';
import { openSql, type Sql } from '../subgraphs/shared/sql.js';
import { startSubgraph, type RunningAgency } from '../subgraphs/shared/subgraphServer.js';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (m, f) => console.log(JSON.stringify({ level: 'info', msg: m, ...f })),
  warn: (m, f) => console.warn(JSON.stringify({ level: 'warn', msg: m, ...f })),
  error: (m, f) => console.error(JSON.stringify({ level: 'error', msg: m, ...f })),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface Stack {
  url: string;
  port: number;
  subgraphs: RunningAgency[];
  /** The governance subgraph's URL (served by this process). */
  governanceUrl: string;
  /** The agencies' store (absent when every subgraph runs elsewhere). */
  sql: Sql | null;
  auditSql: Sql;
  audit: AuditLog;
  authenticator: Authenticator;
  signer: SubgraphSigner;
  policyGateway: PolicyGateway;
  /** Children seeded at start (0 when the store already held them). */
  seeded: number;
  close(): Promise<void>;
}

/**
 * Creates the embedded store in a short-lived child process when it does not exist yet. Creating a PGlite
 * database (initdb) grows the WebAssembly heap to ~730 MB, which a process does not give back even after the
 * instance is closed; a process that only opens an existing store stays near 230 MB. Costs ~2.5 s, on first
 * start only.
 */
async function createEmbeddedStore(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true });
  const code = "const { PGlite } = await import('@electric-sql/pglite'); const db = new PGlite(process.argv[1]); await db.waitReady; await db.close();";
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code, dataDir], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Could not create the embedded store in ${dataDir}: ${result.stderr || result.error?.message}`);
}

export interface StartStackOptions {
  logger?: Logger;
  /** Use this supergraph instead of the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Observes every request an in-process agency receives (for tests). */
  onSubgraphRequest?: (agency: string, body: unknown) => void;
}

/**
 * Starts the product: the agency subgraphs this process serves (seeding their store on first run), the
 * audit log, and the gateway. `npm start` and the tests both come through here.
 */
export async function startStack(config: Config, options: StartStackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? consoleLogger;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e: unknown) => logger.warn('close failed', { error: (e as Error).message }));
  };
  try {
    const local = config.subgraphs.filter((s) => s.port !== null);
    const embedded = (local.length > 0 && !config.databaseUrl) || !config.audit.databaseUrl;
    if (embedded) await createEmbeddedStore(config.dataDir);
    let sql: Sql | null = null;
    let seeded = 0;
    if (local.length > 0) {
      sql = await openSql({ url: config.databaseUrl ?? undefined, dataDir: config.dataDir, tag: 'agencies' });
      closers.push(() => sql!.close());
      for (const s of local) {
        const result = await seed(sql.tagged(`seed:${s.agency.name}`), s.agency, config.seedChildren);
        seeded = Math.max(seeded, result.added);
      }
    }
    const signer = await createSubgraphSigner();
    const subgraphs: RunningAgency[] = [];
    for (const s of local) {
      const running = await startSubgraph({ agency: s.agency, sql: sql!.tagged(s.agency.name), gatewayKey: signer.publicKey, port: s.port ?? 0, host: config.host, onRequest: options.onSubgraphRequest && ((body) => options.onSubgraphRequest?.(s.agency.name, body)) });
      closers.push(() => running.close());
      subgraphs.push(running);
      s.url = running.url;
    }

    const auditSql = await openSql({ url: config.audit.databaseUrl, dataDir: config.dataDir, tag: 'audit' });
    closers.push(() => auditSql.close());
    const audit = await openAuditLog({ sql: auditSql, keyFile: config.audit.keyFile, checkpointFile: config.audit.checkpointFile, checkpointEvery: config.audit.checkpointEvery, logger });
    closers.push(() => audit.close());
    if (config.audit.retentionDays !== null) {
      const days = config.audit.retentionDays;
      const prune = () => pruneLog(auditSql, { before: retentionCutoff(days) }).catch((e: unknown) => logger.warn('audit retention prune failed', { error: (e as Error).message }));
      await prune();
      const timer = setInterval(prune, 86_400_000);
      timer.unref();
      closers.push(async () => clearInterval(timer));
    }

    let policyVersion = 'unloaded';
    const governance = await startGovernance({ audit, gatewayKey: signer.publicKey, policyVersion: () => policyVersion, port: config.governancePort, host: config.host });
    closers.push(() => governance.close());

    const vocabulary = loadVocabulary();
    const authenticator = await createAuthenticator(config.auth, config.dataDir, new Set(vocabulary.roles.keys()));
    const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
    const services = [...config.subgraphs.map((s) => ({ name: s.agency.name, title: s.agency.title, url: s.url })), { name: GOVERNANCE.name, title: GOVERNANCE.title, url: governance.url }];
    const { apollo, policyGateway } = await createGateway({ supergraphSdl, services, signer, audit, logger });
    policyVersion = policyGateway.currentPolicy?.version ?? 'unloaded';
    closers.push(() => apollo.stop());

    const server: Server = createGatewayServer({
      apollo,
      authenticator,
      purposes: new Set(vocabulary.purposes.keys()),
      mode: config.policyMode,
      subgraphJwk: signer.publicJwk,
      readiness: [
        ...services.map((s) => ({
          name: s.name,
          async check() {
            const res = await fetch(s.url.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(2_000) });
            if (!res.ok) throw new Error(`${s.title} answered ${res.status}`);
          },
        })),
        { name: 'audit', check: async () => void (await auditSql.query('SELECT 1')) },
      ],
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    return { url: `http://${config.host}:${port}/graphql`, port, subgraphs, governanceUrl: governance.url, sql, auditSql, audit, authenticator, signer, policyGateway, seeded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
