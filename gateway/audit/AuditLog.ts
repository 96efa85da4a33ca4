import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import type { Sql, SqlTx } from '../../subgraphs/shared/sql.js';
import { AuditClosedError, AuditUnavailableError } from './AuditError.js';
import type { AuditEventInput, AuditEventRecord, AuditReceipt } from './AuditEvent.js';
import { ensureAuditSchema, lockAudit } from './auditSchema.js';
import { canonicalJson } from './canonicalJson.js';
import { compactRecord } from './compactRecord.js';
import { chainHash, GENESIS_HASH } from './chainHash.js';
import { issueCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { loadCheckpointKey } from './checkpointKey.js';
import { eventColumns, subjectRows } from './eventColumns.js';
import { toEventRecord } from './toEventRecord.js';

export interface AuditLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface AuditLogOptions {
  sql: Sql;
  /** Ed25519 private JWK that signs checkpoints; generated (mode 0600) if absent. Keep it off the database host's backups. */
  keyFile: string;
  /** JSON-lines file outside the database to which every checkpoint this process issues is appended. */
  checkpointFile: string;
  /** Issue a checkpoint once this many events follow the last one. Default 1000. */
  checkpointEvery?: number;
  /** Most events written in one transaction. Default 2000. */
  maxBatch?: number;
  /**
   * A `record` not committed within this many ms rejects with AUDIT_UNAVAILABLE. Default 10000. If its batch
   * was already sent, the event may still commit: the log can then over-report a disclosure that was
   * withheld, never under-report one that was made. Events not yet sent when their wait ends are dropped.
   */
  commitTimeoutMs?: number;
  logger?: AuditLogger;
}

/** Counters for tests and the benchmark: `transactions < events` shows group commit at work. */
export interface AuditLogStats {
  events: number;
  transactions: number;
  failedTransactions: number;
  largestBatch: number;
  checkpoints: number;
}

export interface AuditLog {
  readonly logId: string;
  /** The public half of the checkpoint key, for exports and verifiers. */
  readonly publicJwk: JWK;
  /** The store the log writes to (tagged `audit`), for the governance queries. */
  readonly sql: Sql;
  /**
   * Appends one event. Resolves only once the event is committed (PostgreSQL COMMIT returned), with its
   * sequence number and chain hash. Rejects with AuditUnavailableError when the store cannot commit (or not
   * within `commitTimeoutMs`), AuditClosedError after close(), TypeError for a malformed event. The gateway
   * must withhold the response on any rejection.
   */
  record(event: AuditEventInput): Promise<AuditReceipt>;
  /** Signs a checkpoint at the current head if it has none yet; returns it (null when nothing new). */
  flushCheckpoint(): Promise<SignedCheckpoint | null>;
  stats(): AuditLogStats;
  /**
   * Waits for pending records, then checkpoints the head. Does not close `sql` (the caller owns it). Rejects
   * with AUDIT_UNAVAILABLE when that final checkpoint cannot be written (the events themselves are committed).
   */
  close(): Promise<void>;
}

interface Pending {
  /** The validated copy of the caller's event; seq, prevHash, recordedAt and logId are filled in at commit. */
  record: AuditEventRecord;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve(receipt: AuditReceipt): void;
  reject(error: unknown): void;
}

const EVENT_COLUMNS = ['seq', 'event_id', 'recorded_at', 'kind', 'request_id', 'actor_sub', 'actor_role', 'actor_org',
  'purpose', 'case_ref', 'break_glass', 'mode', 'policy_version', 'prev_hash', 'hash', 'canonical'] as const;

// One JSON parameter per batch, expanded by PostgreSQL: node-postgres escapes every element of an array
// parameter in JavaScript, which costs more than the rest of the write for large events (a 50-child answer's
// event is ~400 KB); JSON.stringify is native. The canonical text survives the round trip byte for byte.
const EVENT_INSERT = `
  INSERT INTO audit.events (${EVENT_COLUMNS.join(', ')})
  SELECT ${EVENT_COLUMNS.join(', ')} FROM json_populate_recordset(null::audit.events, $1::json)`;

const SUBJECT_INSERT = `
  INSERT INTO audit.event_subjects (seq, child_id, coordinates, withheld)
  SELECT s, c, ARRAY(SELECT json_array_elements_text(d)), ARRAY(SELECT json_array_elements_text(w))
  FROM json_to_recordset($1::json) AS t(s bigint, c text, d json, w json)`;

/**
 * Opens the disclosure audit log on `sql` (creating the `audit` schema if needed) and loads or creates the
 * checkpoint key. Throws AuditUnavailableError when the store cannot be reached.
 *
 * Group commit: every `record` call made while no transaction is in flight is written by the next one, and
 * calls arriving during a transaction by the one after it, so throughput grows with concurrency while each
 * caller still waits for its own COMMIT.
 */
export async function openAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const sql = options.sql.tagged('audit');
  const checkpointEvery = options.checkpointEvery ?? 1000;
  const maxBatch = options.maxBatch ?? 2000;
  const commitTimeoutMs = options.commitTimeoutMs ?? 10_000;
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) throw new TypeError('checkpointEvery must be a positive integer');
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new TypeError('maxBatch must be a positive integer');
  const logger = options.logger;
  const key = await loadCheckpointKey(options.keyFile, { create: true });
  let logId: string;
  try {
    logId = await ensureAuditSchema(sql);
  } catch (error) {
    throw new AuditUnavailableError(`the audit store (${sql.describe}) is unavailable`, { cause: error });
  }

  const stats: AuditLogStats = { events: 0, transactions: 0, failedTransactions: 0, largestBatch: 0, checkpoints: 0 };
  let queue: Pending[] = [];
  let scheduled = false;
  let running: Promise<void> | null = null;
  let closed = false;

  const appendCheckpointFile = (checkpoint: SignedCheckpoint): void => {
    stats.checkpoints++;
    try {
      mkdirSync(dirname(options.checkpointFile), { recursive: true });
      appendFileSync(options.checkpointFile, `${JSON.stringify({ seq: checkpoint.seq, digest: checkpoint.digest, jws: checkpoint.jws })}\n`);
    } catch (error) {
      // The checkpoint is committed in the database; only its outside copy is missing. Say so loudly.
      logger?.error('audit checkpoint could not be appended to the checkpoint file', { file: options.checkpointFile, seq: checkpoint.seq, error: String(error) });
    }
  };

  const writeBatch = async (tx: SqlTx, batch: Pending[]): Promise<{ receipts: AuditReceipt[]; checkpoint: SignedCheckpoint | null }> => {
    await lockAudit(tx);
    const { rows } = await tx.query<{ seq: string | number; hash: string; checkpoint_seq: string | number | null }>(
      `SELECT seq, hash, checkpoint_seq FROM audit.head`,
    );
    const head = rows[0]!;
    let seq = Number(head.seq);
    let prevHash = head.hash;
    const recordedAt = new Date().toISOString();
    const events: Array<Record<(typeof EVENT_COLUMNS)[number], unknown>> = [];
    const subjects: Array<{ s: number; c: string; d: string[]; w: string[] }> = [];
    const receipts: AuditReceipt[] = [];
    for (const pending of batch) {
      seq++;
      const record: AuditEventRecord = { ...pending.record, logId, seq, prevHash, recordedAt };
      const canonical = canonicalJson(compactRecord(record));
      const hash = chainHash(prevHash, canonical);
      const c = eventColumns(record);
      events.push({
        seq: c.seq, event_id: c.eventId, recorded_at: recordedAt, kind: c.kind, request_id: c.requestId, actor_sub: c.actorSub,
        actor_role: c.actorRole, actor_org: c.actorOrg, purpose: c.purpose, case_ref: c.caseRef, break_glass: c.breakGlass,
        mode: c.mode, policy_version: c.policyVersion, prev_hash: c.prevHash, hash, canonical,
      });
      for (const row of subjectRows(record)) subjects.push({ s: seq, c: row.childId, d: row.coordinates, w: row.withheld });
      receipts.push({ eventId: record.eventId, seq, hash });
      prevHash = hash;
    }
    await tx.query(EVENT_INSERT, [JSON.stringify(events)]);
    if (subjects.length > 0) await tx.query(SUBJECT_INSERT, [JSON.stringify(subjects)]);
    await tx.query(`UPDATE audit.head SET seq = $1, hash = $2`, [seq, prevHash]);
    const lastCheckpoint = head.checkpoint_seq === null ? 0 : Number(head.checkpoint_seq);
    const checkpoint = seq - lastCheckpoint >= checkpointEvery ? await issueCheckpoint(tx, key) : null;
    return { receipts, checkpoint };
  };

  const commit = async (candidates: Pending[]): Promise<void> => {
    // A caller whose wait already timed out was told "not recorded" and withheld the data: do not record it.
    const batch = candidates.filter((p) => !p.settled);
    if (batch.length === 0) return;
    try {
      const { receipts, checkpoint } = await sql.transaction((tx) => writeBatch(tx, batch));
      stats.transactions++;
      stats.events += batch.length;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      if (checkpoint) appendCheckpointFile(checkpoint);
      batch.forEach((p, i) => settle(p, () => p.resolve(receipts[i]!)));
    } catch (error) {
      stats.failedTransactions++;
      logger?.error('audit store could not commit; withholding', { events: batch.length, store: sql.describe, error: String(error) });
      const failure = new AuditUnavailableError(`the audit store (${sql.describe}) could not commit`, { cause: error });
      batch.forEach((p) => settle(p, () => p.reject(failure)));
    }
  };

  const run = async (): Promise<void> => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await commit(batch);
    }
  };

  const schedule = (): void => {
    if (scheduled || running) return;
    scheduled = true;
    setImmediate(() => {
      running = run().finally(() => {
        running = null;
        if (queue.length > 0) schedule();
      });
    });
  };

  const drain = async (): Promise<void> => {
    while (running || scheduled || queue.length > 0) {
      if (running) await running;
      else await new Promise((r) => setImmediate(r));
    }
  };

  const flushCheckpoint = async (): Promise<SignedCheckpoint | null> => {
    let checkpoint: SignedCheckpoint | null;
    try {
      checkpoint = await sql.transaction(async (tx) => {
        await lockAudit(tx);
        return issueCheckpoint(tx, key);
      });
    } catch (error) {
      throw new AuditUnavailableError(`the audit store (${sql.describe}) could not checkpoint`, { cause: error });
    }
    if (checkpoint) appendCheckpointFile(checkpoint);
    return checkpoint;
  };

  return {
    logId,
    publicJwk: key.publicJwk,
    sql,
    record(event) {
      if (closed) return Promise.reject(new AuditClosedError('the audit log is closed'));
      let record: AuditEventRecord;
      try {
        // Validate now, so one malformed event is the caller's TypeError and cannot fail a whole batch.
        record = toEventRecord(event, { logId, seq: 0, prevHash: GENESIS_HASH, eventId: randomUUID(), recordedAt: '' });
        if (record.governance) canonicalJson(record.governance);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<AuditReceipt>((resolve, reject) => {
        const pending: Pending = {
          record,
          settled: false,
          resolve,
          reject,
          timer: setTimeout(() => {
            settle(pending, () => reject(new AuditUnavailableError(`the audit store did not commit within ${commitTimeoutMs} ms`)));
          }, commitTimeoutMs),
        };
        queue.push(pending);
        schedule();
      });
    },
    flushCheckpoint,
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      await drain();
      await flushCheckpoint();
    },
  };
}

function settle(pending: Pending, action: () => void): void {
  if (pending.settled) return;
  pending.settled = true;
  clearTimeout(pending.timer);
  action();
}
