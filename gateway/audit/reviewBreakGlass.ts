import { createHash, randomUUID } from 'node:crypto';
import { AuditEventNotFoundError, AuditInvalidArgumentError, AuditNotBreakGlassError, AuditUnavailableError } from './AuditError.js';
import type { AuditActor } from './AuditEvent.js';
import type { AuditLog } from './AuditLog.js';
import type { BreakGlassReview } from './breakGlassEvents.js';

export interface ReviewBreakGlassInput {
  eventId: string;
  reviewer: AuditActor;
  note: string;
  /** The gateway request that carries the review; a fresh id when absent. */
  requestId?: string;
  /** Policy version in force at review time; defaults to the reviewed event's. */
  policyVersion?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records the retrospective review of a break-glass access. The chain is never updated: the review is
 * (1) appended to the chain as a GOVERNANCE_ACCESS event (query `reviewBreakGlass`, arguments eventId and
 * note, actor = reviewer), which makes it tamper-evident, then (2) added to the append-only
 * `audit.break_glass_reviews` table, which points at that event (`reviewSeq`) and serves the review queue.
 * An event may be reviewed more than once; each review is kept.
 */
export async function reviewBreakGlass(log: AuditLog, input: ReviewBreakGlassInput): Promise<BreakGlassReview> {
  if (typeof input.eventId !== 'string' || !UUID.test(input.eventId)) throw new AuditInvalidArgumentError('eventId must be an event id (uuid)');
  if (typeof input.note !== 'string' || input.note.trim() === '') throw new AuditInvalidArgumentError('a break-glass review needs a note');
  const found = await log.sql.query<{ break_glass: boolean; case_ref: string | null; policy_version: string }>(
    `SELECT break_glass, case_ref, policy_version FROM audit.events WHERE event_id = $1`,
    [input.eventId],
  );
  const event = found.rows[0];
  if (!event) throw new AuditEventNotFoundError(`no retained audit event ${input.eventId}`);
  if (!event.break_glass) throw new AuditNotBreakGlassError(`audit event ${input.eventId} was not a break-glass access`);
  const receipt = await log.record({
    kind: 'GOVERNANCE_ACCESS',
    requestId: input.requestId ?? randomUUID(),
    actor: input.reviewer,
    purpose: 'BREAK_GLASS_REVIEW',
    caseRef: event.case_ref,
    justification: input.note,
    breakGlass: false,
    mode: 'enforce',
    policyVersion: input.policyVersion ?? event.policy_version,
    operation: { name: 'reviewBreakGlass', hash: createHash('sha256').update('reviewBreakGlass').digest('hex') },
    subjects: [],
    governance: { query: 'reviewBreakGlass', arguments: { eventId: input.eventId, note: input.note } },
  });
  const review: BreakGlassReview = {
    reviewId: randomUUID(),
    eventId: input.eventId,
    reviewer: { sub: input.reviewer.sub, role: input.reviewer.role },
    note: input.note,
    reviewedAt: new Date().toISOString(),
    reviewSeq: receipt.seq,
  };
  try {
    await log.sql.query(
      `INSERT INTO audit.break_glass_reviews (review_id, event_id, reviewer_sub, reviewer_role, note, review_seq, reviewed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [review.reviewId, review.eventId, review.reviewer.sub, review.reviewer.role, review.note, review.reviewSeq, review.reviewedAt],
    );
  } catch (error) {
    // The review is in the chain (reviewSeq) but not yet in the queue table; retrying is safe.
    throw new AuditUnavailableError('the break-glass review was recorded in the chain but could not be filed', { cause: error });
  }
  return review;
}
