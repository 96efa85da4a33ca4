import { join } from 'node:path';
import { AuditConfigError } from './AuditError.js';

/** Audit settings, read once from the environment and validated (the gateway and the CLI share them). */
export interface AuditConfig {
  /** AUDIT_DATABASE_URL, else DATABASE_URL; absent means the embedded store in `dataDir`. */
  databaseUrl: string | undefined;
  /** DATA_DIR, default ./data */
  dataDir: string;
  /** AUDIT_SIGNING_KEY_FILE, default ${DATA_DIR}/keys/audit-checkpoint.jwk */
  keyFile: string;
  /** AUDIT_CHECKPOINT_FILE, default ${DATA_DIR}/audit-checkpoints.jsonl */
  checkpointFile: string;
  /** AUDIT_CHECKPOINT_EVERY, default 1000 events. */
  checkpointEvery: number;
  /** AUDIT_RETENTION_DAYS; null (unset or empty) keeps the log forever. */
  retentionDays: number | null;
}

export function readAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const dataDir = nonEmpty(env.DATA_DIR) ?? './data';
  const databaseUrl = nonEmpty(env.AUDIT_DATABASE_URL) ?? nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new AuditConfigError(`${env.AUDIT_DATABASE_URL ? 'AUDIT_DATABASE_URL' : 'DATABASE_URL'} must be a postgres:// URL`);
  }
  return {
    databaseUrl,
    dataDir,
    keyFile: nonEmpty(env.AUDIT_SIGNING_KEY_FILE) ?? join(dataDir, 'keys', 'audit-checkpoint.jwk'),
    checkpointFile: nonEmpty(env.AUDIT_CHECKPOINT_FILE) ?? join(dataDir, 'audit-checkpoints.jsonl'),
    checkpointEvery: positiveInteger(env.AUDIT_CHECKPOINT_EVERY, 'AUDIT_CHECKPOINT_EVERY') ?? 1000,
    retentionDays: positiveInteger(env.AUDIT_RETENTION_DAYS, 'AUDIT_RETENTION_DAYS'),
  };
}

/** The prune cut-off for a retention in days, from `now`. */
export function retentionCutoff(days: number, now: Date = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInteger(value: string | undefined, name: string): number | null {
  const text = nonEmpty(value);
  if (text === undefined) return null;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new AuditConfigError(`${name} must be a positive whole number (got "${text}")`);
  return Number(text);
}
