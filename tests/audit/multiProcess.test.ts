import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openSql, type Sql } from '../../subgraphs/shared/sql.js';
import { createTestDatabase, spawnWriter, tempDir } from './auditTestSupport.js';

describe('several writer processes on one PostgreSQL log (server at 127.0.0.1:5432)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let tmp: ReturnType<typeof tempDir>;
  let sql: Sql;
  beforeEach(async () => {
    db = await createTestDatabase('procs');
    tmp = tempDir('procs');
    sql = await openSql({ url: db.url, dataDir: tmp.dir, poolSize: 2 });
  });
  afterEach(async () => {
    await sql?.close();
    await db?.drop();
    tmp?.remove();
  });

  it('keeps one gapless chain, with chained checkpoints, when two processes append at once', async () => {
    const keyFile = join(tmp.dir, 'keys', 'audit.jwk');
    // Both share the key file (as gateway replicas on one host must) and each appends its own checkpoint file.
    const writers = ['a', 'b'].map((label) => spawnWriter({ url: db.url, keyFile, checkpointFile: join(tmp.dir, `cp-${label}.jsonl`), count: 1500, concurrency: 25, checkpointEvery: 200, label }));
    const codes = await Promise.all(writers.map((w) => w.done));
    expect(codes, writers.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);
    const [a, b] = writers.map((w) => w.seqs);
    // They really overlapped: neither one's sequence numbers form a block before the other's.
    expect(Math.min(...a!)).toBeLessThan(Math.max(...b!));
    expect(Math.min(...b!)).toBeLessThan(Math.max(...a!));
    const all = writers.flatMap((w) => w.seqs).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    const publicKeys = await readPublicKeys(publicKeyFileFor(keyFile));
    for (const label of ['a', 'b']) {
      const result = await verifyLog({ sql }, { publicKeys, checkpointFile: join(tmp.dir, `cp-${label}.jsonl`) });
      expect(result).toMatchObject({ ok: true, events: 3000, lastSeq: 3000 });
      expect(result.checkpoints).toBeGreaterThanOrEqual(10);
    }
  });

  it('loses no reported receipt when a writer is killed with SIGKILL mid-load', async () => {
    const keyFile = join(tmp.dir, 'keys', 'audit.jwk');
    const checkpointFile = join(tmp.dir, 'cp.jsonl');
    const writer = spawnWriter({ url: db.url, keyFile, checkpointFile, count: 200_000, concurrency: 50, checkpointEvery: 250, label: 'k' });
    await writer.waitForSeqs(2000, 45_000);
    writer.child.kill('SIGKILL');
    expect(await writer.done).toBeNull();
    const reported = [...writer.seqs];
    const result = await verifyLog({ sql }, { publicKeys: await readPublicKeys(publicKeyFileFor(keyFile)), checkpointFile });
    expect(result.ok, JSON.stringify(result.problem)).toBe(true);
    expect(result.lastSeq).toBeGreaterThanOrEqual(Math.max(...reported));
    const { rows } = await sql.query<{ seq: string }>('SELECT seq FROM audit.events WHERE seq = ANY($1::bigint[])', [reported]);
    expect(rows.length).toBe(reported.length);
  });
});
