import type { Sql } from '../../subgraphs/shared/sql.js';
import { AuditInvalidArgumentError } from './AuditError.js';
import type { AuditActor, AuditDisclosedField, AuditWithheldField } from './AuditEvent.js';
import { toEventNode } from './auditPaging.js';

/** One disclosure (or refusal) concerning the child, as a subject access request must answer it. */
export interface SubjectAccessEntry {
  eventId: string;
  seq: number;
  recordedAt: string;
  /** The recipient: person, role and organisation (UK GDPR Art 15(1)(c); DPA 2018 s62 for police data). */
  actor: AuditActor;
  purpose: string | null;
  caseRef: string | null;
  justification: string | null;
  breakGlass: boolean;
  mode: 'enforce' | 'dry-run';
  operationName: string | null;
  policyVersion: string;
  /** Fields disclosed about this child: coordinate, category, ALLOW/MASK, rule, lawful basis, gateway, count. */
  fields: AuditDisclosedField[];
  /** Fields withheld from this request, with the reason: refusals are recorded decisions too. */
  withheld: AuditWithheldField[];
}

export interface SubjectAccessReport {
  childId: string;
  generatedAt: string;
  entries: SubjectAccessEntry[];
  /** Distinct recipient organisations and roles, with how many events each. */
  recipients: Array<{ org: string | null; role: string; events: number }>;
}

/**
 * Every retained DISCLOSURE event about one child, oldest first: when, who (person, role, organisation), for
 * which purpose and case, and which fields were disclosed or withheld under which rule and basis. SAR
 * exemptions (DPA 2018 Sch 2–3) are for the handler to apply; the report itself is not redacted.
 */
export async function subjectAccessReport(sql: Sql, childId: string): Promise<SubjectAccessReport> {
  if (typeof childId !== 'string' || childId === '') throw new AuditInvalidArgumentError('childId must be a non-empty string');
  const entries: SubjectAccessEntry[] = [];
  let cursor = 0;
  for (;;) {
    const { rows } = await sql.query<{ seq: string | number; hash: string; canonical: string }>(
      `SELECT e.seq, e.hash, e.canonical FROM audit.event_subjects s JOIN audit.events e ON e.seq = s.seq
       WHERE s.child_id = $1 AND s.seq > $2 AND e.kind = 'DISCLOSURE' ORDER BY s.seq LIMIT 1000`,
      [childId, cursor],
    );
    for (const row of rows) {
      const event = toEventNode(row);
      const subject = event.subjects.find((s) => s.childId === childId);
      entries.push({
        eventId: event.eventId,
        seq: event.seq,
        recordedAt: event.recordedAt,
        actor: event.actor,
        purpose: event.purpose,
        caseRef: event.caseRef,
        justification: event.justification,
        breakGlass: event.breakGlass,
        mode: event.mode,
        operationName: event.operation.name,
        policyVersion: event.policyVersion,
        fields: subject?.disclosed ?? [],
        withheld: subject?.withheld ?? [],
      });
    }
    if (rows.length < 1000) break;
    cursor = Number(rows[rows.length - 1]!.seq);
  }
  const recipients = new Map<string, { org: string | null; role: string; events: number }>();
  for (const e of entries) {
    if (e.fields.length === 0) continue;
    const key = JSON.stringify([e.actor.org ?? null, e.actor.role]);
    const entry = recipients.get(key) ?? { org: e.actor.org ?? null, role: e.actor.role, events: 0 };
    entry.events++;
    recipients.set(key, entry);
  }
  return { childId, generatedAt: new Date().toISOString(), entries, recipients: [...recipients.values()] };
}
