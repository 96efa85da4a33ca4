import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { devIssuerKeyFile } from '../gateway/identity/devIssuer.js';
import { startChild, type Child } from './ipc.js';
import type { SubgraphHostInfo } from './subgraphHost.js';
import type { TargetInfo } from './targets/targetEnv.js';

export interface RunningTarget {
  key: string;
  title: string;
  policy: boolean;
  child: Child<TargetInfo & { pid?: number; workerPids?: number[] }>;
  url: string;
  /** The processes whose CPU and RSS are the gateway's (a cluster: its primary and workers). */
  gatewayPids: number[];
}

export interface TargetSpec {
  key: string;
  title: string;
  file: string;
  policy: boolean;
  env?: Record<string, string>;
  nodeFlags?: string[];
  /** Defaults to a folder of its own under the work folder; writers of one audit log share one. */
  dataDir?: string;
}

/** The product's settings every policy target is started with, so nothing from the caller's shell leaks in. */
const CLEAN_ENV: Record<string, string> = {
  DATABASE_URL: '',
  AUDIT_DATABASE_URL: '',
  AUTH_JWKS_URL: '',
  AUTH_JWKS_FILE: '',
  AUTH_ISSUER: '',
  AUTH_AUDIENCE: '',
  AUDIT_RETENTION_DAYS: '',
  POLICY_MODE: 'enforce',
  PORT: '0',
};

export const TARGET_FILES = {
  plainApollo: new URL('./targets/plainApollo.ts', import.meta.url).pathname,
  hive: new URL('./targets/hive.ts', import.meta.url).pathname,
  policy: new URL('./targets/policy.ts', import.meta.url).pathname,
  cluster: new URL('./targets/policyCluster.ts', import.meta.url).pathname,
  subgraphHost: new URL('./subgraphHost.ts', import.meta.url).pathname,
};

/**
 * Starts a gateway target in its own child process over the shared subgraphs, gives policy targets their
 * own DATA_DIR holding the bench's development-issuer key (so one minted token works on all of them), and
 * adds the target's subgraph-signing key to the subgraph host's keyring.
 */
export async function startTarget(spec: TargetSpec, host: Child<SubgraphHostInfo>, workDir: string, issuerDir: string, options: { trust?: boolean } = {}): Promise<RunningTarget> {
  const dataDir = spec.dataDir ?? join(workDir, spec.key);
  mkdirSync(join(dataDir, 'keys'), { recursive: true });
  copyFileSync(devIssuerKeyFile(issuerDir), devIssuerKeyFile(dataDir));
  const child = await startChild<TargetInfo & { pid?: number; workerPids?: number[] }>(spec.file, {
    name: `target ${spec.key}`,
    env: { ...(spec.policy ? CLEAN_ENV : {}), DATA_DIR: dataDir, BENCH_SUBGRAPH_URLS: JSON.stringify(host.info.urls), ...spec.env },
    nodeFlags: spec.nodeFlags,
  });
  if (options.trust !== false) for (const jwk of child.info.publicJwks) await host.call('trust', jwk);
  return {
    key: spec.key,
    title: spec.title,
    policy: spec.policy,
    child,
    url: child.info.url,
    gatewayPids: child.info.workerPids ? [child.pid, ...child.info.workerPids] : [child.pid],
  };
}
