import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../gateway/audit/AuditLog.js';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openSql } from '../../subgraphs/shared/sql.js';
import { sampleEvent, spawnWriter, tempDir } from './auditTestSupport.js';

/**
 * Embedded PGlite (a temp data dir): one instance in a child process, then one in this worker. What this
 * shows is survival of a process crash (SIGKILL): committed pages are in the OS by then. It does not show
 * survival of a power loss, which would depend on PGlite's emscripten file system honouring fsync.
 */
describe('the audit log on embedded PGlite survives kill -9 of its writer', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('pglite');
  });
  afterAll(() => tmp?.remove());

  it('keeps every receipt it reported and a valid chain, and carries on appending after restart', async () => {
    const dataDir = join(tmp.dir, 'db');
    const keyFile = join(tmp.dir, 'keys', 'audit.jwk');
    const checkpointFile = join(tmp.dir, 'cp.jsonl');
    const writer = spawnWriter({ dataDir, keyFile, checkpointFile, count: 200_000, concurrency: 20, checkpointEvery: 250, label: 'embedded' });
    await writer.waitForSeqs(1500, 90_000);
    writer.child.kill('SIGKILL');
    expect(await writer.done).toBeNull();
    const reported = [...writer.seqs];

    const sql = await openSql({ dataDir });
    try {
      const publicKeys = await readPublicKeys(publicKeyFileFor(keyFile));
      const result = await verifyLog({ sql }, { publicKeys, checkpointFile });
      expect(result.ok, JSON.stringify(result.problem)).toBe(true);
      expect(result.lastSeq).toBeGreaterThanOrEqual(Math.max(...reported));
      const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.events WHERE seq = ANY($1::bigint[])', [reported]);
      expect(rows[0]!.n).toBe(reported.length);

      const log = await openAuditLog({ sql, keyFile, checkpointFile });
      const receipt = await log.record(sampleEvent(1));
      expect(receipt.seq).toBe(result.lastSeq! + 1);
      await log.close();
      expect(await verifyLog({ sql }, { publicKeys, checkpointFile })).toMatchObject({ ok: true, lastSeq: receipt.seq });
    } finally {
      await sql.close();
    }
  }, 150_000);
});
