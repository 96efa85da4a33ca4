import type { Sql } from '../../subgraphs/shared/sql.js';
import { AuditPruneRefusedError } from './AuditError.js';
import { lockAudit } from './auditSchema.js';
import { decodeCheckpoint } from './checkpoint.js';

export interface PruneResult {
  prunedEvents: number;
  /** The new start of retained history: the last removed event's (seq, hash), attested by a signed checkpoint. */
  anchor: { seq: number; hash: string } | null;
}

/**
 * Retention (AUDIT_RETENTION_DAYS): removes whole checkpoint intervals whose events are all older than
 * `before` — everything up to and including the latest checkpoint before the first event recorded at or
 * after `before`. That checkpoint stays, and is recorded in `audit.prunes` as the anchor, so what remains
 * verifies from it (its signature attests the removed history's last hash). Events after the last
 * checkpoint are never pruned. Runs under the audit lock; safe beside running writers.
 */
export async function pruneLog(sql: Sql, options: { before: Date }): Promise<PruneResult> {
  if (!(options.before instanceof Date) || Number.isNaN(options.before.getTime())) throw new TypeError('pruneLog: before must be a valid Date');
  return sql.transaction(async (tx) => {
    await lockAudit(tx);
    const current = (await tx.query<{ anchor_seq: string | number }>(`SELECT anchor_seq FROM audit.prunes ORDER BY anchor_seq DESC LIMIT 1`)).rows[0];
    const floor = current ? Number(current.anchor_seq) : 0;
    const young = (await tx.query<{ seq: string | number | null }>(
      `SELECT min(seq) AS seq FROM audit.events WHERE recorded_at >= $1`, [options.before.toISOString()],
    )).rows[0]?.seq ?? null;
    const cp = (await tx.query<{ seq: string | number; hash: string; jws: string }>(
      `SELECT seq, hash, jws FROM audit.checkpoints WHERE seq > $1 AND ($2::bigint IS NULL OR seq < $2::bigint) ORDER BY seq DESC LIMIT 1`,
      [floor, young === null ? null : Number(young)],
    )).rows[0];
    if (!cp) return { prunedEvents: 0, anchor: null };
    const seq = Number(cp.seq);
    const payload = decodeCheckpoint(cp.jws);
    const event = (await tx.query<{ hash: string }>(`SELECT hash FROM audit.events WHERE seq = $1`, [seq])).rows[0];
    // Never destroy history that does not match its signed checkpoint: that is evidence, keep it for verify.
    if (payload.seq !== seq || payload.hash !== cp.hash || !event || event.hash !== payload.hash) {
      throw new AuditPruneRefusedError(`checkpoint ${seq} does not match the events; run verify before pruning`);
    }
    await tx.query(`DELETE FROM audit.event_subjects WHERE seq <= $1`, [seq]);
    const deleted = await tx.query<{ n: string | number }>(
      `WITH d AS (DELETE FROM audit.events WHERE seq <= $1 RETURNING 1) SELECT count(*) AS n FROM d`, [seq],
    );
    await tx.query(`DELETE FROM audit.checkpoints WHERE seq < $1`, [seq]);
    const prunedEvents = Number(deleted.rows[0]?.n ?? 0);
    await tx.query(
      `INSERT INTO audit.prunes (anchor_seq, anchor_hash, checkpoint_jws, pruned_events) VALUES ($1, $2, $3, $4)`,
      [seq, payload.hash, cp.jws, prunedEvents],
    );
    return { prunedEvents, anchor: { seq, hash: payload.hash } };
  });
}
