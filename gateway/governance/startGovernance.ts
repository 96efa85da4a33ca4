import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuditLog } from '../audit/AuditLog.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/shared/subgraphServer.js';
import type { GatewayKey } from '../../subgraphs/shared/gatewayToken.js';
import { resolvers } from './resolvers.js';

/** The governance subgraph: composed into the supergraph, served by the gateway process beside the audit log. */
export const GOVERNANCE = { name: 'governance', title: 'Information governance', portOffset: 5, envPrefix: 'GOVERNANCE' } as const;

export const GOVERNANCE_SCHEMA_FILE = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function governanceSdl(): string {
  return readFileSync(GOVERNANCE_SCHEMA_FILE, 'utf8');
}

export function startGovernance(options: { audit: AuditLog; gatewayKey: GatewayKey; policyVersion: () => string; port?: number; host?: string }): Promise<RunningSubgraph> {
  return serveSubgraph({
    name: GOVERNANCE.name,
    title: GOVERNANCE.title,
    sdl: governanceSdl(),
    resolvers,
    context: (caller) => ({ caller, audit: options.audit, policyVersion: options.policyVersion }),
    ready: async () => {
      await options.audit.sql.query('SELECT 1');
      return options.audit.sql.describe;
    },
    gatewayKey: options.gatewayKey,
    port: options.port,
    host: options.host,
  });
}
