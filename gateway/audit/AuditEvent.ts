/**
 * What the gateway hands the audit log for one request: who asked, why, under which policy, and per child
 * which fields were disclosed (with rule, basis and gateway) or withheld (with the reason). It never carries
 * the disclosed values themselves: the log proves *that* something was disclosed, not *what*.
 */
export interface AuditEventInput {
  kind: 'DISCLOSURE' | 'GOVERNANCE_ACCESS';
  requestId: string;
  actor: AuditActor;
  purpose: string | null;
  caseRef: string | null;
  justification: string | null;
  breakGlass: boolean;
  mode: 'enforce' | 'dry-run';
  /** sha256 of the supergraph + policy files in force. */
  policyVersion: string;
  operation: { name: string | null; hash: string };
  subjects: AuditSubject[];
  /** For GOVERNANCE_ACCESS: which governance query was run with which arguments. */
  governance?: { query: string; arguments: Record<string, unknown> };
}

export interface AuditActor {
  sub: string;
  name?: string | null;
  role: string;
  org?: string | null;
}

export interface AuditSubject {
  childId: string;
  disclosed: AuditDisclosedField[];
  withheld: AuditWithheldField[];
}

export interface AuditDisclosedField {
  /** Schema coordinate, e.g. `HealthRecord.diagnoses`. */
  coordinate: string;
  category: string;
  effect: 'ALLOW' | 'MASK';
  rule: string;
  lawfulBasis: string[];
  gateway: string[];
  /** How many values of this coordinate were disclosed for this child in the response. */
  count: number;
}

export interface AuditWithheldField {
  coordinate: string;
  category: string | null;
  reason: string;
  rule: string | null;
}

/**
 * The stored event: the input plus what the log assigns. Its canonical JSON (see `canonicalJson`) is what
 * is hashed and kept byte for byte; every queryable column is derived from it.
 */
export interface AuditEventRecord extends AuditEventInput {
  /** Version of this record shape, so a verifier can tell old records from new ones. */
  v: 1;
  logId: string;
  seq: number;
  prevHash: string;
  eventId: string;
  /** ISO-8601 UTC with milliseconds, taken while the log's sequence lock is held. */
  recordedAt: string;
}

/** What `record` returns once the event is durably committed. */
export interface AuditReceipt {
  eventId: string;
  seq: number;
  hash: string;
}

/** An event as governance queries return it: the stored record (parsed from its canonical bytes) and its hash. */
export interface AuditEventNode extends AuditEventRecord {
  hash: string;
}
