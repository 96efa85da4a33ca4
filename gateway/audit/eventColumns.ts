import type { AuditEventRecord } from './AuditEvent.js';

/**
 * The queryable columns of `audit.events` and the rows of `audit.event_subjects`, derived from an event
 * record. The writer stores exactly these; verifyLog recomputes them from the canonical text and compares,
 * so editing a column (a role, a purpose, a child id) is caught as surely as editing the canonical bytes.
 */
export interface EventColumns {
  seq: number;
  eventId: string;
  recordedAtMs: number;
  kind: string;
  requestId: string;
  actorSub: string;
  actorRole: string;
  actorOrg: string | null;
  purpose: string | null;
  caseRef: string | null;
  breakGlass: boolean;
  mode: string;
  policyVersion: string;
  prevHash: string;
}

export interface SubjectRow {
  childId: string;
  coordinates: string[];
  withheld: string[];
}

export function eventColumns(record: AuditEventRecord): EventColumns {
  return {
    seq: record.seq,
    eventId: record.eventId,
    recordedAtMs: Date.parse(record.recordedAt),
    kind: record.kind,
    requestId: record.requestId,
    actorSub: record.actor.sub,
    actorRole: record.actor.role,
    actorOrg: record.actor.org ?? null,
    purpose: record.purpose,
    caseRef: record.caseRef,
    breakGlass: record.breakGlass,
    mode: record.mode,
    policyVersion: record.policyVersion,
    prevHash: record.prevHash,
  };
}

/** One row per child, coordinates de-duplicated and sorted so the comparison does not depend on order. */
export function subjectRows(record: AuditEventRecord): SubjectRow[] {
  return record.subjects
    .map((s) => ({
      childId: s.childId,
      coordinates: [...new Set(s.disclosed.map((d) => d.coordinate))].sort(),
      withheld: [...new Set(s.withheld.map((w) => w.coordinate))].sort(),
    }))
    .sort((a, b) => (a.childId < b.childId ? -1 : a.childId > b.childId ? 1 : 0));
}
