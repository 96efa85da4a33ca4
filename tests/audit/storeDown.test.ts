import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../gateway/audit/AuditLog.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openSql } from '../../subgraphs/shared/sql.js';
import { adminQuery, openTestLog, sampleEvent, tempDir } from './auditTestSupport.js';

describe('the audit log fails closed when PostgreSQL (127.0.0.1:5432) goes away, and recovers without restart', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  beforeAll(async () => {
    t = await openTestLog('down', { checkpointEvery: 1000 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('rejects every waiting record with AUDIT_UNAVAILABLE while the database refuses connections, then resumes', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => t.log.record(sampleEvent(i))));

    await adminQuery(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${t.db.name}'`);
    const failed = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => t.log.record(sampleEvent(100 + i))));
    expect(failed.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of failed) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(t.log.stats().failedTransactions).toBeGreaterThan(0);

    await adminQuery(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS true`);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => t.log.record(sampleEvent(200 + i))));
    // Nothing from the outage was written: the sequence goes on from 10 without a gap.
    expect(after.map((r) => r.seq).sort((a, b) => a - b)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(await verifyLog({ sql: t.sql }, { checkpointFile: t.checkpointFile })).toMatchObject({ ok: true, events: 20 });
  });

  it('refuses to open with AUDIT_UNAVAILABLE when nothing listens at the address', async () => {
    const tmp = tempDir('closed-port');
    const sql = await openSql({ url: 'postgres://postgres@127.0.0.1:1/none', dataDir: tmp.dir });
    try {
      await expect(openAuditLog({ sql, keyFile: join(tmp.dir, 'k.jwk'), checkpointFile: join(tmp.dir, 'c.jsonl') })).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    } finally {
      await sql.close();
      tmp.remove();
    }
  });
});
