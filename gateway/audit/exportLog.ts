import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { JWK } from 'jose';
import type { Sql } from '../../subgraphs/shared/sql.js';
import { EXPORT_FORMAT, type ExportEnd, type ExportHeader, type ExportLine } from './auditExportFormat.js';

export interface ExportSummary {
  events: number;
  checkpoints: number;
  firstSeq: number | null;
  head: { seq: number; hash: string };
}

/**
 * Writes the whole retained log to `file` as JSON lines (see auditExportFormat.ts) from one consistent
 * snapshot, so it can be verified with no database: `npm run audit -- verify --file FILE`. The export holds
 * only what the log holds: who saw which fields of which child and why, never the values.
 */
export async function exportLog(sql: Sql, file: string, options: { pageSize?: number } = {}): Promise<ExportSummary> {
  const pageSize = options.pageSize ?? 5000;
  const fd = openSync(file, 'w', 0o600);
  const write = (items: ExportLine[]): void => {
    if (items.length > 0) writeSync(fd, `${items.map((l) => JSON.stringify(l)).join('\n')}\n`);
  };
  try {
    const summary = await sql.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const head = (await tx.query<{ log_id: string; seq: string | number; hash: string }>(`SELECT log_id, seq, hash FROM audit.head`)).rows[0];
      if (!head) throw new TypeError(`${sql.describe} holds no audit log`);
      const anchor = (await tx.query<{ anchor_seq: string | number; anchor_hash: string; checkpoint_jws: string }>(
        `SELECT anchor_seq, anchor_hash, checkpoint_jws FROM audit.prunes ORDER BY anchor_seq DESC LIMIT 1`,
      )).rows[0];
      const keys = (await tx.query<{ public_jwk: string }>(`SELECT public_jwk FROM audit.signing_keys ORDER BY added_at`)).rows
        .map((r) => JSON.parse(r.public_jwk) as JWK);
      const checkpoints = (await tx.query<{ seq: string | number; jws: string }>(
        `SELECT seq, jws FROM audit.checkpoints WHERE seq > $1 ORDER BY seq`, [anchor ? Number(anchor.anchor_seq) : 0],
      )).rows.map((r) => ({ seq: Number(r.seq), jws: r.jws }));
      const first = (await tx.query<{ seq: string | number | null }>(`SELECT min(seq) AS seq FROM audit.events`)).rows[0]?.seq ?? null;
      const header: ExportHeader = {
        type: 'header',
        format: EXPORT_FORMAT,
        logId: head.log_id,
        exportedAt: new Date().toISOString(),
        publicKeys: keys,
        anchor: anchor ? { seq: Number(anchor.anchor_seq), hash: anchor.anchor_hash, jws: anchor.checkpoint_jws } : null,
        firstSeq: first === null ? null : Number(first),
      };
      write([header]);
      let cursor = 0;
      let events = 0;
      let written = 0;
      let cpIndex = 0;
      for (;;) {
        const { rows } = await tx.query<{ seq: string | number; hash: string; canonical: string }>(
          `SELECT seq, hash, canonical FROM audit.events WHERE seq > $1 ORDER BY seq LIMIT $2`, [cursor, pageSize],
        );
        if (rows.length === 0) break;
        const out: ExportLine[] = [];
        for (const r of rows) {
          const seq = Number(r.seq);
          out.push({ type: 'event', seq, hash: r.hash, canonical: r.canonical });
          while (checkpoints[cpIndex] && checkpoints[cpIndex]!.seq <= seq) {
            out.push({ type: 'checkpoint', ...checkpoints[cpIndex]! });
            cpIndex++;
            written++;
          }
        }
        write(out);
        events += rows.length;
        cursor = Number(rows[rows.length - 1]!.seq);
      }
      // Checkpoints past the last event cannot exist in an intact log; export them anyway so verify says so.
      const rest = checkpoints.slice(cpIndex).map((c): ExportLine => ({ type: 'checkpoint', ...c }));
      write(rest);
      written += rest.length;
      const end: ExportEnd = { type: 'end', events, checkpoints: written, head: { seq: Number(head.seq), hash: head.hash } };
      write([end]);
      return { events, checkpoints: written, firstSeq: header.firstSeq, head: end.head };
    });
    fsyncSync(fd);
    return summary;
  } finally {
    closeSync(fd);
  }
}
