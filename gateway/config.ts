import { resolve } from 'node:path';
import type { Agency } from '../subgraphs/shared/agency.js';
import { readAuditConfig, type AuditConfig } from './audit/auditConfig.js';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`The configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and the README's "Configuration" section.`);
    this.name = 'ConfigError';
  }
}

export interface SubgraphConfig {
  agency: Agency;
  /** Where the gateway reaches it. */
  url: string;
  /** Set when this process serves it (no `<PREFIX>_URL` given). */
  port: number | null;
}

export type AuthConfig =
  | { kind: 'dev'; issuer: string; audience: string; clockTolerance: number }
  | { kind: 'jwks-url'; url: string; issuer: string; audience: string; clockTolerance: number }
  | { kind: 'jwks-file'; file: string; issuer: string; audience: string; clockTolerance: number };

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  audit: AuditConfig;
  subgraphs: SubgraphConfig[];
  /** The governance subgraph (over the audit log) always runs in the gateway process. */
  governancePort: number;
  auth: AuthConfig;
  policyMode: 'enforce' | 'dry-run';
  seedChildren: number;
}

export const DEV_ISSUER = 'urn:mash-gateway:dev-issuer';
export const DEV_AUDIENCE = 'mash-gateway';

/**
 * Reads the configuration once, at start, from the environment. Every problem is reported together, naming
 * the variable and what it expects; nothing deeper in the code reads `process.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv, agencies: ReadonlyArray<Agency>): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}": expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = env[name];
    if (!raw) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got ${u.protocol}`);
        return null;
      }
      return raw;
    } catch {
      problems.push(`${name}: "${raw.replace(/:[^:@/]*@/, ':***@')}" is not a URL`);
      return null;
    }
  };

  const port = int('PORT', 4000, 0, 65535);
  const subgraphs: SubgraphConfig[] = agencies.map((agency) => {
    const external = url(`${agency.envPrefix}_URL`, ['http:', 'https:']);
    const own = port === 0 ? 0 : port + agency.portOffset;
    const p = int(`${agency.envPrefix}_PORT`, own, 0, 65535);
    return external ? { agency, url: external, port: null } : { agency, url: `http://127.0.0.1:${p}/graphql`, port: p };
  });
  const governancePort = int('GOVERNANCE_PORT', port === 0 ? 0 : port + 5, 0, 65535);
  const used = new Map<number, string>([[port, 'PORT']]);
  if (governancePort !== 0) used.set(governancePort, 'GOVERNANCE_PORT');
  for (const s of subgraphs) {
    if (s.port === null || s.port === 0) continue;
    const clash = used.get(s.port);
    if (clash) problems.push(`${s.agency.envPrefix}_PORT=${s.port} clashes with ${clash}; each server needs its own port`);
    used.set(s.port, `${s.agency.envPrefix}_PORT`);
  }

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const auditUrl = url('AUDIT_DATABASE_URL', ['postgres:', 'postgresql:']);
  let audit: AuditConfig | null = null;
  try {
    // The URLs were checked above; hand on only valid ones, so one bad variable is reported once.
    audit = readAuditConfig({ ...env, DATA_DIR: resolve(env['DATA_DIR'] || './data'), DATABASE_URL: databaseUrl ?? undefined, AUDIT_DATABASE_URL: auditUrl ?? undefined });
  } catch (error) {
    problems.push((error as Error).message);
  }

  const mode = env['POLICY_MODE'] ?? 'enforce';
  if (mode !== 'enforce' && mode !== 'dry-run') problems.push(`POLICY_MODE="${mode}": expected enforce (the default) or dry-run`);

  const clockTolerance = int('AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300);
  let auth: AuthConfig = { kind: 'dev', issuer: DEV_ISSUER, audience: DEV_AUDIENCE, clockTolerance };
  const jwksUrl = url('AUTH_JWKS_URL', ['https:', 'http:']);
  const jwksFile = env['AUTH_JWKS_FILE'];
  const issuer = env['AUTH_ISSUER'];
  const audience = env['AUTH_AUDIENCE'];
  if (jwksUrl && jwksFile) problems.push('AUTH_JWKS_URL and AUTH_JWKS_FILE are both set: choose one key source');
  if (jwksUrl || jwksFile) {
    if (!issuer) problems.push('AUTH_ISSUER: required with AUTH_JWKS_URL or AUTH_JWKS_FILE (the iss claim tokens must carry)');
    if (!audience) problems.push('AUTH_AUDIENCE: required with AUTH_JWKS_URL or AUTH_JWKS_FILE (the aud claim tokens must carry)');
    auth = jwksUrl
      ? { kind: 'jwks-url', url: jwksUrl, issuer: issuer ?? '', audience: audience ?? '', clockTolerance }
      : { kind: 'jwks-file', file: resolve(jwksFile as string), issuer: issuer ?? '', audience: audience ?? '', clockTolerance };
  } else if (issuer || audience) {
    problems.push('AUTH_ISSUER/AUTH_AUDIENCE are set but no key source: set AUTH_JWKS_URL or AUTH_JWKS_FILE (or unset them to use the development issuer)');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: env['HOST'] || '127.0.0.1',
    port,
    dataDir: resolve(env['DATA_DIR'] || './data'),
    databaseUrl,
    audit: audit as AuditConfig,
    subgraphs,
    governancePort,
    auth,
    policyMode: mode as Config['policyMode'],
    seedChildren: int('SEED_CHILDREN', 300, 5, 1_000_000),
  };
}
