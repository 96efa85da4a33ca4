import type { Sql } from '../../subgraphs/shared/sql.js';
import type { AuditEventNode } from './AuditEvent.js';
import { checkPageSize, decodeCursor, toConnection, toEventNode, type Connection } from './auditPaging.js';

export interface BreakGlassReview {
  reviewId: string;
  eventId: string;
  reviewer: { sub: string; role: string };
  note: string;
  reviewedAt: string;
  /** The GOVERNANCE_ACCESS event in the chain that records this review. */
  reviewSeq: number;
}

export interface BreakGlassNode {
  event: AuditEventNode;
  reviews: BreakGlassReview[];
}

/**
 * Emergency ("break-glass") accesses, newest first, with their retrospective reviews. `reviewed: false`
 * is the review queue; `true` the reviewed ones; absent, all.
 */
export async function breakGlassEvents(
  sql: Sql,
  args: { reviewed?: boolean | null; first?: number; after?: string | null } = {},
): Promise<Connection<BreakGlassNode>> {
  const first = checkPageSize(args.first ?? 100);
  const params: unknown[] = [];
  const where = ['e.break_glass'];
  if (args.reviewed === true || args.reviewed === false) {
    where.push(`${args.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM audit.break_glass_reviews r WHERE r.event_id = e.event_id)`);
  }
  if (args.after) {
    params.push(decodeCursor(args.after));
    where.push(`e.seq < $${params.length}`);
  }
  params.push(first + 1);
  const { rows } = await sql.query<{ seq: string | number; hash: string; canonical: string; event_id: string }>(
    `SELECT e.seq, e.hash, e.canonical, e.event_id::text AS event_id FROM audit.events e
     WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT $${params.length}`,
    params,
  );
  const reviews = new Map<string, BreakGlassReview[]>();
  if (rows.length > 0) {
    const found = await sql.query<{ review_id: string; event_id: string; reviewer_sub: string; reviewer_role: string; note: string; reviewed_at: Date; review_seq: string | number }>(
      `SELECT review_id::text AS review_id, event_id::text AS event_id, reviewer_sub, reviewer_role, note, reviewed_at, review_seq
       FROM audit.break_glass_reviews WHERE event_id = ANY($1::uuid[]) ORDER BY reviewed_at`,
      [rows.map((r) => r.event_id)],
    );
    for (const r of found.rows) {
      const list = reviews.get(r.event_id) ?? [];
      list.push({
        reviewId: r.review_id,
        eventId: r.event_id,
        reviewer: { sub: r.reviewer_sub, role: r.reviewer_role },
        note: r.note,
        reviewedAt: new Date(r.reviewed_at).toISOString(),
        reviewSeq: Number(r.review_seq),
      });
      reviews.set(r.event_id, list);
    }
  }
  return toConnection(
    rows.map((r) => ({ seq: Number(r.seq), node: { event: toEventNode(r), reviews: reviews.get(r.event_id) ?? [] } })),
    first,
  );
}
