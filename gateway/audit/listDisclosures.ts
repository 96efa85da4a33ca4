import type { Sql } from '../../subgraphs/shared/sql.js';
import { AuditInvalidArgumentError } from './AuditError.js';
import type { AuditEventNode } from './AuditEvent.js';
import { checkPageSize, decodeCursor, toConnection, toEventNode, type Connection } from './auditPaging.js';

export interface ListDisclosuresArgs {
  /** Only events that disclosed or withheld something about this child. */
  childId?: string | null;
  /** Only events by this actor (`sub`). */
  actor?: string | null;
  /** Only events that disclosed this schema coordinate (with `childId`: for that child). */
  coordinate?: string | null;
  /** recorded_at >= from */
  from?: Date | null;
  /** recorded_at < to */
  to?: Date | null;
  first: number;
  after?: string | null;
  /** Default DISCLOSURE; GOVERNANCE_ACCESS lists who used the governance queries. */
  kind?: 'DISCLOSURE' | 'GOVERNANCE_ACCESS';
}

/**
 * Disclosure events, newest first, filtered by child, actor, coordinate and time, with cursor paging.
 * Every filter is served by an index (event_subjects by child and coordinates, events by actor and time).
 * The gateway must itself record a GOVERNANCE_ACCESS event for each call (who looked at the audit).
 */
export async function listDisclosures(sql: Sql, args: ListDisclosuresArgs): Promise<Connection<AuditEventNode>> {
  const first = checkPageSize(args.first);
  const params: unknown[] = [args.kind ?? 'DISCLOSURE'];
  const where = ['e.kind = $1'];
  const add = (clause: (n: string) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (args.actor) add((p) => `e.actor_sub = ${p}`, args.actor);
  if (args.from) add((p) => `e.recorded_at >= ${p}`, checkDate(args.from, 'from'));
  if (args.to) add((p) => `e.recorded_at < ${p}`, checkDate(args.to, 'to'));
  if (args.after) add((p) => `e.seq < ${p}`, decodeCursor(args.after));
  if (args.childId || args.coordinate) {
    const inner: string[] = ['s.seq = e.seq'];
    if (args.childId) {
      params.push(args.childId);
      inner.push(`s.child_id = $${params.length}`);
    }
    if (args.coordinate) {
      params.push(args.coordinate);
      inner.push(`s.coordinates @> ARRAY[$${params.length}::text]`);
    }
    where.push(`EXISTS (SELECT 1 FROM audit.event_subjects s WHERE ${inner.join(' AND ')})`);
  }
  params.push(first + 1);
  const { rows } = await sql.query<{ seq: string | number; hash: string; canonical: string }>(
    `SELECT e.seq, e.hash, e.canonical FROM audit.events e WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows.map((r) => ({ seq: Number(r.seq), node: toEventNode(r) })), first);
}

function checkDate(value: Date, name: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new AuditInvalidArgumentError(`${name} must be a valid date`);
  return value.toISOString();
}
