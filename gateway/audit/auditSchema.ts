import { randomUUID } from 'node:crypto';
import type { Sql, SqlTx } from '../../subgraphs/shared/sql.js';

/**
 * The one advisory lock every writer of the log takes inside its transaction (appending, checkpointing,
 * pruning, creating the tables). Holding it while reading the head and inserting is what keeps the sequence
 * gapless and the chain linear when several gateway processes share one PostgreSQL log.
 * ('MASHAUDT' as a big-endian int64.)
 */
export const AUDIT_LOCK_KEY = '5566681806327923796';

/** Takes the audit lock for the rest of the transaction. */
export async function lockAudit(tx: SqlTx): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}::bigint)`);
}

const DDL = [
  `CREATE SCHEMA IF NOT EXISTS audit`,
  // The chain tip and the last checkpoint, one row. Read and updated only under the audit lock.
  `CREATE TABLE IF NOT EXISTS audit.head (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     log_id text NOT NULL,
     seq bigint NOT NULL,
     hash text NOT NULL,
     checkpoint_seq bigint,
     checkpoint_digest text
   )`,
  // One row per event. canonical is the hashed text; every other column is derived from it and checked
  // against it by verifyLog.
  `CREATE TABLE IF NOT EXISTS audit.events (
     seq bigint PRIMARY KEY,
     event_id uuid NOT NULL UNIQUE,
     recorded_at timestamptz NOT NULL,
     kind text NOT NULL,
     request_id text NOT NULL,
     actor_sub text NOT NULL,
     actor_role text NOT NULL,
     actor_org text,
     purpose text,
     case_ref text,
     break_glass boolean NOT NULL,
     mode text NOT NULL,
     policy_version text NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL,
     canonical text NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS events_recorded_at ON audit.events (recorded_at)`,
  `CREATE INDEX IF NOT EXISTS events_actor ON audit.events (actor_sub, seq)`,
  `CREATE INDEX IF NOT EXISTS events_request ON audit.events (request_id)`,
  `CREATE INDEX IF NOT EXISTS events_break_glass ON audit.events (seq) WHERE break_glass`,
  // Per event and child: the coordinates disclosed and withheld, for "who saw this child / this field".
  `CREATE TABLE IF NOT EXISTS audit.event_subjects (
     seq bigint NOT NULL,
     child_id text NOT NULL,
     coordinates text[] NOT NULL,
     withheld text[] NOT NULL,
     PRIMARY KEY (seq, child_id)
   )`,
  `CREATE INDEX IF NOT EXISTS event_subjects_child ON audit.event_subjects (child_id, seq)`,
  `CREATE INDEX IF NOT EXISTS event_subjects_coordinates ON audit.event_subjects USING gin (coordinates)`,
  // Signed checkpoints (compact JWS); digest = sha256 of the JWS text, named by the next checkpoint.
  `CREATE TABLE IF NOT EXISTS audit.checkpoints (
     seq bigint PRIMARY KEY,
     hash text NOT NULL,
     digest text NOT NULL UNIQUE,
     jws text NOT NULL,
     issued_at timestamptz NOT NULL
   )`,
  // Public keys that signed checkpoints, for exports. A verifier should trust a key it holds itself.
  `CREATE TABLE IF NOT EXISTS audit.signing_keys (
     kid text PRIMARY KEY,
     public_jwk text NOT NULL,
     added_at timestamptz NOT NULL DEFAULT now()
   )`,
  // Retention: each prune removes events up to a signed checkpoint; that checkpoint is the new anchor.
  `CREATE TABLE IF NOT EXISTS audit.prunes (
     anchor_seq bigint PRIMARY KEY,
     anchor_hash text NOT NULL,
     checkpoint_jws text NOT NULL,
     pruned_events bigint NOT NULL,
     pruned_at timestamptz NOT NULL DEFAULT now()
   )`,
  // Break-glass reviews: append-only, never an update of the chain. review_seq is the GOVERNANCE_ACCESS
  // event that records the same review inside the chain.
  `CREATE TABLE IF NOT EXISTS audit.break_glass_reviews (
     review_id uuid PRIMARY KEY,
     event_id uuid NOT NULL,
     reviewer_sub text NOT NULL,
     reviewer_role text NOT NULL,
     note text NOT NULL,
     review_seq bigint NOT NULL,
     reviewed_at timestamptz NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS break_glass_reviews_event ON audit.break_glass_reviews (event_id)`,
];

/**
 * Creates the `audit` schema and tables if absent, and the head row with a fresh log id. Idempotent and safe
 * to run from several processes at once (it runs under the audit lock). Returns the log id.
 */
export async function ensureAuditSchema(sql: Sql): Promise<string> {
  return sql.transaction(async (tx) => {
    await lockAudit(tx);
    for (const statement of DDL) await tx.query(statement);
    await tx.query(
      `INSERT INTO audit.head (log_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (singleton) DO NOTHING`,
      [randomUUID(), '0'.repeat(64)],
    );
    const { rows } = await tx.query<{ log_id: string }>(`SELECT log_id FROM audit.head`);
    return rows[0]!.log_id;
  });
}
