import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { JWK } from 'jose';
import type { Sql, SqlTx } from '../../subgraphs/shared/sql.js';
import { EXPORT_FORMAT, type ExportEnd, type ExportHeader, type ExportLine } from './auditExportFormat.js';
import { ChainVerifier, type StoredCheckpoint, type VerifyResult } from './ChainVerifier.js';

export type { VerifyProblem, VerifyProblemCode, VerifyResult } from './ChainVerifier.js';

/** Where the log to verify is: its database, or an export file (no database needed). */
export type VerifySource = { sql: Sql } | { file: string };

export interface VerifyOptions {
  /**
   * Public keys the verifier trusts for checkpoint signatures. Without them the keys recorded in the log
   * itself are used, which proves consistency but not that the signer was the gateway (`trustedKey: false`).
   */
  publicKeys?: JWK[];
  /** The outside checkpoint file (JSON lines) to hold the log against: a cut tail or a swapped log shows. */
  checkpointFile?: string;
  /** Events read per query from the database. Default 2000. */
  pageSize?: number;
}

/**
 * Verifies a log offline: recomputes every hash from the stored canonical bytes, checks the sequence is
 * gapless from the first retained event (1, or the prune anchor + 1), that the columns agree with the
 * canonical bytes, and that every checkpoint is signed, chained to the one before, and matches the events.
 * Stops at the first problem and names its sequence number. Never throws for a bad log, only for an
 * unreadable source (a database that cannot be reached rejects with the store's error).
 */
export async function verifyLog(source: VerifySource, options: VerifyOptions = {}): Promise<VerifyResult> {
  const external = options.checkpointFile ? readCheckpointFile(options.checkpointFile) : { checkpoints: [], problem: null };
  const result = 'sql' in source
    ? await verifyDatabase(source.sql, options, external.checkpoints)
    : await verifyFile(source.file, options, external.checkpoints);
  if (result.ok && external.problem) {
    return { ...result, ok: false, problem: { code: 'MALFORMED', detail: external.problem } };
  }
  return result;
}

function readCheckpointFile(file: string): { checkpoints: StoredCheckpoint[]; problem: string | null } {
  if (!existsSync(file)) return { checkpoints: [], problem: null };
  const checkpoints: StoredCheckpoint[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as { seq: number; jws: string };
      if (!Number.isSafeInteger(entry.seq) || typeof entry.jws !== 'string') throw new Error('shape');
      checkpoints.push({ seq: entry.seq, jws: entry.jws, external: true });
    } catch {
      // A torn last line (a writer killed mid-append) is not tampering; anything else is.
      if (i === lines.length - 1) continue;
      return { checkpoints, problem: `line ${i + 1} of the checkpoint file ${file} is unreadable` };
    }
  }
  return { checkpoints, problem: null };
}

async function verifyDatabase(sql: Sql, options: VerifyOptions, external: StoredCheckpoint[]): Promise<VerifyResult> {
  const pageSize = options.pageSize ?? 2000;
  return sql.transaction(async (tx) => {
    // One snapshot for the whole walk, so appends and prunes running meanwhile are not mistaken for damage.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const present = await tx.query<{ t: string | null }>(`SELECT to_regclass('audit.head')::text AS t`);
    if (!present.rows[0]?.t) {
      const verifier = new ChainVerifier({ logId: null, anchor: null, checkpoints: [], keys: [], trustedKey: false });
      verifier.report(undefined, { code: 'MALFORMED', detail: 'this database holds no audit log (schema audit is missing)' });
      return verifier.finish(null);
    }
    const head = (await tx.query<{ log_id: string; seq: string | number; hash: string }>(`SELECT log_id, seq, hash FROM audit.head`)).rows[0];
    const anchorRow = (await tx.query<{ anchor_seq: string | number; anchor_hash: string; checkpoint_jws: string }>(
      `SELECT anchor_seq, anchor_hash, checkpoint_jws FROM audit.prunes ORDER BY anchor_seq DESC LIMIT 1`,
    )).rows[0];
    const checkpoints: StoredCheckpoint[] = (await tx.query<{ seq: string | number; hash: string; digest: string; jws: string }>(
      `SELECT seq, hash, digest, jws FROM audit.checkpoints ORDER BY seq`,
    )).rows.map((r) => ({ seq: Number(r.seq), jws: r.jws, columns: { hash: r.hash, digest: r.digest } }));
    const keys = options.publicKeys ?? (await tx.query<{ public_jwk: string }>(`SELECT public_jwk FROM audit.signing_keys`)).rows
      .map((r) => JSON.parse(r.public_jwk) as JWK);
    const verifier = new ChainVerifier({
      logId: head?.log_id ?? null,
      anchor: anchorRow ? { seq: Number(anchorRow.anchor_seq), hash: anchorRow.anchor_hash, jws: anchorRow.checkpoint_jws } : null,
      checkpoints: [...checkpoints, ...external],
      keys,
      trustedKey: options.publicKeys !== undefined,
    });
    if (!head) verifier.report(undefined, { code: 'MALFORMED', detail: 'the audit head row is missing' });
    await verifier.start();
    let cursor = 0;
    while (!verifier.failed) {
      const rows = await readPage(tx, cursor, pageSize);
      if (rows.length === 0) break;
      for (const row of rows) if (!(await verifier.event(row))) break;
      cursor = rows[rows.length - 1]!.seq;
    }
    return verifier.finish(head ? { seq: Number(head.seq), hash: head.hash } : null);
  });
}

interface EventRow {
  seq: string | number; event_id: string; recorded_at: Date; kind: string; request_id: string; actor_sub: string;
  actor_role: string; actor_org: string | null; purpose: string | null; case_ref: string | null; break_glass: boolean;
  mode: string; policy_version: string; prev_hash: string; hash: string; canonical: string;
}

async function readPage(tx: SqlTx, after: number, limit: number) {
  const { rows } = await tx.query<EventRow>(
    `SELECT seq, event_id::text AS event_id, recorded_at, kind, request_id, actor_sub, actor_role, actor_org, purpose,
            case_ref, break_glass, mode, policy_version, prev_hash, hash, canonical
     FROM audit.events WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [after, limit],
  );
  if (rows.length === 0) return [];
  const last = Number(rows[rows.length - 1]!.seq);
  const subjects = await tx.query<{ seq: string | number; child_id: string; coordinates: string[]; withheld: string[] }>(
    `SELECT seq, child_id, coordinates, withheld FROM audit.event_subjects WHERE seq > $1 AND seq <= $2`,
    [after, last],
  );
  const bySeq = new Map<number, { childId: string; coordinates: string[]; withheld: string[] }[]>();
  for (const s of subjects.rows) {
    const seq = Number(s.seq);
    const list = bySeq.get(seq) ?? [];
    list.push({ childId: s.child_id, coordinates: s.coordinates, withheld: s.withheld });
    bySeq.set(seq, list);
  }
  return rows.map((r) => {
    const seq = Number(r.seq);
    return {
      seq,
      hash: r.hash,
      canonical: r.canonical,
      subjects: bySeq.get(seq) ?? [],
      columns: {
        seq,
        eventId: r.event_id,
        recordedAtMs: new Date(r.recorded_at).getTime(),
        kind: r.kind,
        requestId: r.request_id,
        actorSub: r.actor_sub,
        actorRole: r.actor_role,
        actorOrg: r.actor_org,
        purpose: r.purpose,
        caseRef: r.case_ref,
        breakGlass: r.break_glass,
        mode: r.mode,
        policyVersion: r.policy_version,
        prevHash: r.prev_hash,
        hash: r.hash,
      },
    };
  });
}

async function* lines(file: string): AsyncGenerator<{ line: string; number: number }> {
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of reader) {
    number++;
    if (line.trim() !== '') yield { line, number };
  }
}

async function verifyFile(file: string, options: VerifyOptions, external: StoredCheckpoint[]): Promise<VerifyResult> {
  // Pass 1: header, checkpoints and trailer (small); pass 2 streams the events.
  let header: ExportHeader | null = null;
  let end: ExportEnd | null = null;
  let firstLine = true;
  let unreadable: number | null = null;
  let checkpointLines = 0;
  const checkpoints: StoredCheckpoint[] = [];
  for await (const { line, number } of lines(file)) {
    let parsed: ExportLine;
    try {
      parsed = JSON.parse(line) as ExportLine;
    } catch {
      unreadable ??= number;
      continue;
    }
    if (firstLine && parsed.type === 'header' && parsed.format === EXPORT_FORMAT) header = parsed;
    firstLine = false;
    if (parsed.type === 'checkpoint') {
      checkpointLines++;
      checkpoints.push({ seq: parsed.seq, jws: parsed.jws });
    }
    if (parsed.type === 'end') end = parsed;
  }
  if (!header) {
    const verifier = new ChainVerifier({ logId: null, anchor: null, checkpoints: [], keys: [], trustedKey: false });
    verifier.report(undefined, { code: 'MALFORMED', detail: `${file} does not start with a ${EXPORT_FORMAT} header` });
    return verifier.finish(null);
  }
  const verifier = new ChainVerifier({
    logId: header.logId,
    anchor: header.anchor,
    checkpoints: [...checkpoints, ...external],
    keys: options.publicKeys ?? header.publicKeys,
    trustedKey: options.publicKeys !== undefined,
  });
  await verifier.start();
  let events = 0;
  for await (const { line } of lines(file)) {
    if (verifier.failed) break;
    let parsed: ExportLine;
    try {
      parsed = JSON.parse(line) as ExportLine;
    } catch {
      verifier.report(undefined, { code: 'EDITED', detail: `an unreadable line where event ${verifier.nextSeq} should be` });
      break;
    }
    if (parsed.type !== 'event') continue;
    events++;
    if (!Number.isSafeInteger(parsed.seq) || typeof parsed.canonical !== 'string' || typeof parsed.hash !== 'string') {
      verifier.report(undefined, { code: 'EDITED', detail: `a malformed line where event ${verifier.nextSeq} should be` });
      break;
    }
    await verifier.event({ seq: parsed.seq, hash: parsed.hash, canonical: parsed.canonical });
  }
  if (unreadable !== null) verifier.report(undefined, { code: 'MALFORMED', detail: `line ${unreadable} of ${file} is not JSON` });
  if (!end) {
    verifier.report(undefined, { code: 'TRUNCATED', detail: `${file} has no end line: the export was cut short` });
  } else if (end.events !== events || end.checkpoints !== checkpointLines) {
    verifier.report(undefined, { code: 'TRUNCATED', detail: `${file} says ${end.events} events and ${end.checkpoints} checkpoints but holds ${events} and ${checkpointLines}` });
  }
  return verifier.finish(end ? end.head : null);
}
