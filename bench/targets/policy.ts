import { loadConfig } from '../../gateway/config.js';
import { silentLogger, startStack } from '../../gateway/stack.js';
import { agencies } from '../../subgraphs/registry.js';
import { serveChild } from '../ipc.js';
import { readTargetEnv, type TargetInfo } from './targetEnv.js';

export interface PolicyTargetInfo extends TargetInfo {
  pid: number;
  auditStore: string;
}

/**
 * Targets (c) and (d): this product's gateway exactly as `npm start` builds it (`loadConfig` + `startStack`),
 * pointed at the shared subgraph host with `<AGENCY>_URL`. The audit store follows the product's own
 * configuration: embedded PGlite in DATA_DIR by default, PostgreSQL when AUDIT_DATABASE_URL is set.
 * Also runs as a cluster worker (bench/targets/policyCluster.ts), where PORT is fixed and shared.
 */
await serveChild<PolicyTargetInfo>(async () => {
  const { subgraphUrls } = readTargetEnv();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const agency of agencies) {
    const url = subgraphUrls[agency.name];
    if (!url) throw new Error(`no subgraph URL for ${agency.name}`);
    env[`${agency.envPrefix}_URL`] = url;
  }
  const config = loadConfig(env, agencies);
  const stack = await startStack(config, { logger: silentLogger });
  return {
    info: {
      url: stack.url,
      pid: process.pid,
      publicJwks: [stack.signer.publicJwk],
      auditStore: stack.auditSql.describe,
      describe: `this gateway (startStack, policy ${config.policyMode}), audit on ${stack.auditSql.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}`,
    },
    handlers: {
      auditStats: () => stack.audit.stats(),
    },
    close: () => stack.close(),
  };
});
