import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { exportLog } from '../../gateway/audit/exportLog.js';
import { pruneLog } from '../../gateway/audit/pruneLog.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openTestLog, sampleEvent } from './auditTestSupport.js';

describe('pruneLog retention on PostgreSQL (server at 127.0.0.1:5432)', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  const batches = async (from: number, count: number): Promise<void> => {
    for (let b = 0; b < count; b++) await Promise.all(Array.from({ length: 5 }, (_, i) => t.log.record(sampleEvent(from + b * 5 + i))));
  };
  const verify = async () => verifyLog({ sql: t.sql }, { publicKeys: await readPublicKeys(publicKeyFileFor(t.keyFile)), checkpointFile: t.checkpointFile });

  beforeAll(async () => {
    t = await openTestLog('prune', { checkpointEvery: 10 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('removes only whole checkpoint intervals older than the cut-off, and what remains verifies from the anchor', async () => {
    await batches(0, 5); // seq 1..25, checkpoints at 10 and 20
    await new Promise((r) => setTimeout(r, 20));
    const cutoff = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await batches(100, 5); // seq 26..50, checkpoints at 30, 40, 50

    expect(await pruneLog(t.sql, { before: cutoff })).toMatchObject({ prunedEvents: 20, anchor: { seq: 20 } });
    // 21..25 are old too, but their interval (to the checkpoint at 30) holds young events: they stay.
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 21, lastSeq: 50, anchor: { seq: 20 } });

    const file = join(t.tmp.dir, 'after-prune.jsonl');
    await exportLog(t.sql, file);
    expect(await verifyLog({ file }, { publicKeys: await readPublicKeys(publicKeyFileFor(t.keyFile)) })).toMatchObject({ ok: true, firstSeq: 21 });
  });

  it('does nothing when no whole interval is old enough', async () => {
    expect(await pruneLog(t.sql, { before: new Date(0) })).toEqual({ prunedEvents: 0, anchor: null });
  });

  it('can prune everything up to the last checkpoint, and appending then continues the chain', async () => {
    await t.log.flushCheckpoint();
    expect(await pruneLog(t.sql, { before: new Date(Date.now() + 60_000) })).toMatchObject({ prunedEvents: 30, anchor: { seq: 50 } });
    expect(await verify()).toMatchObject({ ok: true, events: 0, anchor: { seq: 50 } });
    await batches(200, 2);
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 51, lastSeq: 60 });
  });

  it('still catches a deletion right after the anchor', async () => {
    await t.sql.query('DELETE FROM audit.events WHERE seq = 51');
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 51, problem: { code: 'MISSING' } });
  });
});
