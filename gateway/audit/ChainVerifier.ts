import type { JWK } from 'jose';
import type { AuditEventRecord } from './AuditEvent.js';
import { chainHash, GENESIS_HASH, sha256Hex } from './chainHash.js';
import { checkpointSignatureValid, decodeCheckpoint, type CheckpointPayload } from './checkpoint.js';
import { eventColumns, subjectRows, type EventColumns, type SubjectRow } from './eventColumns.js';
import { expandRecord } from './compactRecord.js';

/** What verification found wrong, by kind. Tests and the CLI match on these codes. */
export type VerifyProblemCode =
  | 'EDITED' // an event's canonical bytes or hash were changed
  | 'COLUMN_MISMATCH' // a queryable column or subject row disagrees with the canonical bytes
  | 'MISSING' // a sequence number is absent (deleted row, or the start of the log without a prune anchor)
  | 'REORDERED' // a row holds the event recorded under another sequence number
  | 'BAD_CHECKPOINT_SIGNATURE' // a checkpoint is not signed by a trusted key
  | 'CHECKPOINT_MISMATCH' // a checkpoint's (seq, hash, log) disagrees with the events, or with its outside copy
  | 'CHECKPOINT_CHAIN_BROKEN' // a checkpoint does not name the one before it
  | 'CHECKPOINT_MISSING' // a checkpoint in the outside file is not in the log
  | 'TRUNCATED' // events the head or a checkpoint attests to are gone
  | 'MALFORMED'; // the source cannot be read as an audit log

export interface VerifyProblem {
  code: VerifyProblemCode;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  logId: string | null;
  /** Events checked. */
  events: number;
  /** Checkpoints whose signature, chain link and (seq, hash) were checked (the anchor's included). */
  checkpoints: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Where retained history starts after pruning: the last removed event, attested by a signed checkpoint. */
  anchor: { seq: number; hash: string } | null;
  /** True when checkpoints were checked against keys the verifier supplied, not keys read from the log. */
  trustedKey: boolean;
  firstBadSeq?: number;
  problem?: VerifyProblem;
}

/** One stored event as a source presents it; `columns`/`subjects` only when the source has them (the database). */
export interface StoredEvent {
  seq: number;
  hash: string;
  canonical: string;
  columns?: EventColumns & { hash: string };
  subjects?: SubjectRow[];
}

export interface StoredCheckpoint {
  seq: number;
  jws: string;
  /** What the source's own columns say (database rows), checked against the signed payload. */
  columns?: { hash: string; digest: string };
  /** True for checkpoints read only from the outside checkpoint file. */
  external?: boolean;
}

class Failure extends Error {
  constructor(readonly seq: number, readonly problem: VerifyProblem) {
    super(problem.detail);
  }
}

/**
 * Walks a log in sequence order and stops at the first problem. Sources (database, export file) feed it
 * the start (prune anchor), the checkpoints, the events in order, and the head they claim.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private cpIndex = 0;
  private lastCheckpoint: { seq: number; digest: string } | null = null;
  private checkedCheckpoints = 0;
  private count = 0;
  private firstSeq: number | null = null;
  private failure: Failure | null = null;
  private readonly checkpoints: StoredCheckpoint[];
  private readonly internal = new Map<number, string>();

  constructor(
    private readonly init: {
      logId: string | null;
      anchor: { seq: number; hash: string; jws: string } | null;
      checkpoints: StoredCheckpoint[];
      keys: JWK[];
      trustedKey: boolean;
    },
  ) {
    this.expectedSeq = (init.anchor?.seq ?? 0) + 1;
    this.prevHash = init.anchor?.hash ?? GENESIS_HASH;
    const floor = init.anchor?.seq ?? 0;
    for (const c of init.checkpoints) if (!c.external) this.internal.set(c.seq, c.jws);
    // An outside copy identical to the log's own checkpoint adds nothing; a different one is kept and flagged.
    this.checkpoints = init.checkpoints
      .filter((c) => c.seq > floor && (!c.external || this.internal.get(c.seq) !== c.jws))
      .sort((a, b) => a.seq - b.seq || Number(a.external ?? false) - Number(b.external ?? false));
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** The sequence number the next event must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** Records a problem a source found itself (an unreadable line, a missing trailer); the first one wins. */
  report(seq: number | undefined, problem: VerifyProblem): void {
    this.failure ??= new Failure(seq ?? this.expectedSeq, problem);
  }

  /** Checks the prune anchor: it must be a validly signed checkpoint naming exactly (seq, hash). */
  async start(): Promise<void> {
    const anchor = this.init.anchor;
    if (!anchor) return;
    await this.guard(async () => {
      const payload = await this.checkSignature(anchor.jws, anchor.seq + 1);
      if (payload.seq !== anchor.seq || payload.hash !== anchor.hash) {
        throw new Failure(anchor.seq + 1, { code: 'CHECKPOINT_MISMATCH', detail: `the prune anchor (${anchor.seq}) disagrees with its signed checkpoint` });
      }
      this.lastCheckpoint = { seq: anchor.seq, digest: sha256Hex(anchor.jws) };
    });
  }

  async event(row: StoredEvent): Promise<boolean> {
    if (this.failure) return false;
    await this.guard(() => this.checkEvent(row));
    return !this.failure;
  }

  /** Finishes: checkpoints beyond the last event, and the head the source claims. */
  async finish(head: { seq: number; hash: string } | null): Promise<VerifyResult> {
    if (!this.failure) {
      await this.guard(async () => {
        const lastSeq = this.expectedSeq - 1;
        const beyond = this.checkpoints[this.cpIndex];
        if (beyond) {
          throw new Failure(lastSeq + 1, { code: 'TRUNCATED', detail: `a checkpoint attests ${beyond.seq} events but the log ends at ${lastSeq}` });
        }
        if (head && head.seq > lastSeq) {
          throw new Failure(lastSeq + 1, { code: 'TRUNCATED', detail: `the head says ${head.seq} events but the log ends at ${lastSeq}` });
        }
        if (head && (head.seq !== lastSeq || head.hash !== this.prevHash)) {
          throw new Failure(head.seq, { code: 'EDITED', detail: `the head (${head.seq}, ${head.hash.slice(0, 12)}…) disagrees with the last event` });
        }
      });
    }
    const result: VerifyResult = {
      ok: this.failure === null,
      logId: this.init.logId,
      events: this.count,
      checkpoints: this.checkedCheckpoints,
      firstSeq: this.firstSeq,
      lastSeq: this.count > 0 ? this.expectedSeq - 1 : null,
      anchor: this.init.anchor ? { seq: this.init.anchor.seq, hash: this.init.anchor.hash } : null,
      trustedKey: this.init.trustedKey,
    };
    if (this.failure) {
      result.firstBadSeq = this.failure.seq;
      result.problem = this.failure.problem;
    }
    return result;
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof Failure) this.failure = error;
      else throw error;
    }
  }

  private async checkEvent(row: StoredEvent): Promise<void> {
    const seq = row.seq;
    if (seq > this.expectedSeq) {
      throw new Failure(this.expectedSeq, {
        code: 'MISSING',
        detail: this.expectedSeq === 1 || this.expectedSeq === (this.init.anchor?.seq ?? 0) + 1
          ? `the log should start at ${this.expectedSeq} but starts at ${seq}`
          : `events ${this.expectedSeq}..${seq - 1} are missing`,
      });
    }
    if (seq < this.expectedSeq) {
      throw new Failure(seq, { code: 'REORDERED', detail: `event ${seq} appears after event ${this.expectedSeq - 1}` });
    }
    let body: AuditEventRecord;
    try {
      body = expandRecord(JSON.parse(row.canonical) as AuditEventRecord);
    } catch {
      throw new Failure(seq, { code: 'EDITED', detail: `event ${seq}: the canonical text is not a readable event` });
    }
    if (typeof body !== 'object' || body === null) throw new Failure(seq, { code: 'EDITED', detail: `event ${seq}: the canonical text is not an event` });
    if (body.seq !== seq) {
      throw new Failure(seq, { code: 'REORDERED', detail: `the row at ${seq} holds the event recorded as ${String(body.seq)}` });
    }
    const hash = chainHash(this.prevHash, row.canonical);
    if (hash !== row.hash || body.prevHash !== this.prevHash) {
      const selfConsistent = typeof body.prevHash === 'string' && /^[0-9a-f]{64}$/.test(body.prevHash) && chainHash(body.prevHash, row.canonical) === row.hash;
      if (selfConsistent && body.prevHash !== this.prevHash) {
        // This event is intact but names a different predecessor: the one before it was rewritten (and rehashed).
        const bad = seq - 1 > (this.init.anchor?.seq ?? 0) ? seq - 1 : seq;
        throw new Failure(bad, { code: 'EDITED', detail: `event ${seq - 1} was rewritten: event ${seq} names a different predecessor hash` });
      }
      throw new Failure(seq, { code: 'EDITED', detail: `event ${seq}: canonical bytes or hash altered (hash does not recompute)` });
    }
    if (this.init.logId !== null && body.logId !== this.init.logId) {
      throw new Failure(seq, { code: 'EDITED', detail: `event ${seq} belongs to log ${String(body.logId)}, not ${this.init.logId}` });
    }
    if (row.columns) this.checkColumns(seq, body, row.columns, row.subjects ?? []);
    this.count++;
    this.firstSeq ??= seq;
    this.expectedSeq = seq + 1;
    this.prevHash = hash;
    while (this.checkpoints[this.cpIndex] && this.checkpoints[this.cpIndex]!.seq <= seq) {
      await this.checkCheckpoint(this.checkpoints[this.cpIndex]!, seq, hash);
      this.cpIndex++;
    }
  }

  private checkColumns(seq: number, body: AuditEventRecord, columns: EventColumns & { hash: string }, subjects: SubjectRow[]): void {
    let expected: EventColumns;
    let expectedSubjects: SubjectRow[];
    try {
      expected = eventColumns(body);
      expectedSubjects = subjectRows(body);
    } catch {
      throw new Failure(seq, { code: 'EDITED', detail: `event ${seq}: the canonical text is not a well-formed event` });
    }
    for (const name of Object.keys(expected) as (keyof EventColumns)[]) {
      if (expected[name] !== columns[name]) {
        throw new Failure(seq, { code: 'COLUMN_MISMATCH', detail: `event ${seq}: column ${name} disagrees with the canonical bytes` });
      }
    }
    const norm = (rows: SubjectRow[]): string => JSON.stringify(
      rows.map((r) => [r.childId, [...r.coordinates].sort(), [...r.withheld].sort()]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
    if (norm(expectedSubjects) !== norm(subjects)) {
      throw new Failure(seq, { code: 'COLUMN_MISMATCH', detail: `event ${seq}: the subject index rows disagree with the canonical bytes` });
    }
  }

  private async checkSignature(jws: string, seq: number): Promise<CheckpointPayload> {
    let payload: CheckpointPayload;
    try {
      payload = decodeCheckpoint(jws);
    } catch {
      throw new Failure(seq, { code: 'BAD_CHECKPOINT_SIGNATURE', detail: `checkpoint ${seq} is not a readable checkpoint JWS` });
    }
    if (!(await checkpointSignatureValid(jws, this.init.keys))) {
      throw new Failure(seq, { code: 'BAD_CHECKPOINT_SIGNATURE', detail: `checkpoint ${seq} is not signed by ${this.init.trustedKey ? 'a trusted key' : 'the key recorded in the log'}` });
    }
    if (this.init.logId !== null && payload.logId !== this.init.logId) {
      throw new Failure(seq, { code: 'CHECKPOINT_MISMATCH', detail: `checkpoint ${seq} is for log ${payload.logId}, not ${this.init.logId}` });
    }
    this.checkedCheckpoints++;
    return payload;
  }

  private async checkCheckpoint(cp: StoredCheckpoint, eventSeq: number, eventHash: string): Promise<void> {
    if (cp.seq !== eventSeq) {
      throw new Failure(cp.seq, { code: 'MISSING', detail: `checkpoint ${cp.seq} attests an event that is not in the log` });
    }
    const payload = await this.checkSignature(cp.jws, cp.seq);
    const since = (this.lastCheckpoint?.seq ?? this.init.anchor?.seq ?? 0) + 1;
    if (payload.seq !== cp.seq || payload.hash !== eventHash) {
      // The events up to here form a valid chain that the signed checkpoint does not attest: the range since
      // the previous checkpoint was rewritten consistently. The first event that may be bad is its start.
      throw new Failure(since, { code: 'CHECKPOINT_MISMATCH', detail: `checkpoint ${cp.seq} does not match the events: ${since}..${cp.seq} were rewritten` });
    }
    if (cp.columns && (cp.columns.hash !== payload.hash || cp.columns.digest !== sha256Hex(cp.jws))) {
      throw new Failure(cp.seq, { code: 'COLUMN_MISMATCH', detail: `checkpoint ${cp.seq}: its columns disagree with its signed payload` });
    }
    if (cp.external && this.internal.has(cp.seq)) {
      throw new Failure(cp.seq, { code: 'CHECKPOINT_MISMATCH', detail: `checkpoint ${cp.seq} differs from its copy in the outside checkpoint file` });
    }
    if (cp.external) {
      throw new Failure(cp.seq, { code: 'CHECKPOINT_MISSING', detail: `checkpoint ${cp.seq} from the outside checkpoint file is missing from the log` });
    }
    const prev = this.lastCheckpoint;
    const linked = prev === null
      ? payload.previous === null
      : payload.previous !== null && payload.previous.seq === prev.seq && payload.previous.digest === prev.digest;
    if (!linked) {
      throw new Failure(cp.seq, { code: 'CHECKPOINT_CHAIN_BROKEN', detail: `checkpoint ${cp.seq} does not name the checkpoint before it (${prev ? prev.seq : 'none'})` });
    }
    this.lastCheckpoint = { seq: cp.seq, digest: sha256Hex(cp.jws) };
  }
}
