import { expandRecord } from './compactRecord.js';
import { AuditInvalidArgumentError } from './AuditError.js';
import type { AuditEventNode, AuditEventRecord } from './AuditEvent.js';

/** Relay-style page, newest first; `after` continues towards older events. */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 500;

/** Cursors are opaque to clients: base64url of the event's seq, prefixed so foreign strings are refused. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`audit:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^audit:(\d{1,15})$/.exec(text);
  if (!match) throw new AuditInvalidArgumentError('the cursor was not issued by this audit log');
  return Number(match[1]);
}

export function checkPageSize(first: number): number {
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AuditInvalidArgumentError(`first must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Builds a page from rows fetched with LIMIT first + 1 (the extra row only says there is a next page). */
export function toConnection<T>(rows: Array<{ seq: number; node: T }>, first: number): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((r) => ({ cursor: encodeCursor(r.seq), node: r.node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** Events are served from their canonical bytes, the same bytes the chain protects. */
export function toEventNode(row: { canonical: string; hash: string }): AuditEventNode {
  return { ...expandRecord(JSON.parse(row.canonical) as AuditEventRecord), hash: row.hash };
}
