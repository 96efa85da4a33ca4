import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openTestLog, sampleEvent } from './auditTestSupport.js';

describe('AuditLog on PostgreSQL (needs the server at 127.0.0.1:5432)', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  beforeAll(async () => {
    t = await openTestLog('chain', { checkpointEvery: 100 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('commits 500 concurrent records in far fewer transactions, with a gapless chain that verifies', async () => {
    const before = t.log.stats();
    const receipts = await Promise.all(Array.from({ length: 500 }, (_, i) => t.log.record(sampleEvent(i))));
    const after = t.log.stats();
    const seqs = receipts.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(receipts.map((r) => r.eventId)).size).toBe(500);
    expect(after.events - before.events).toBe(500);
    expect(after.transactions - before.transactions).toBeLessThan(50);
    const result = await verifyLog({ sql: t.sql }, { publicKeys: await readPublicKeys(publicKeyFileFor(t.keyFile)), checkpointFile: t.checkpointFile });
    expect(result).toMatchObject({ ok: true, events: 500, firstSeq: 1, lastSeq: 500, trustedKey: true });
  });

  it('returns the receipt only after the row is visible to another connection', async () => {
    const receipt = await t.log.record(sampleEvent(1000));
    const { rows } = await t.sql.query<{ hash: string }>('SELECT hash FROM audit.events WHERE seq = $1', [receipt.seq]);
    expect(rows[0]?.hash).toBe(receipt.hash);
  });

  it('signs a checkpoint once N events follow the last one, into the table and the outside file, chained', async () => {
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 60 }, (_, i) => t.log.record(sampleEvent(round * 60 + i))));
    const lines = readFileSync(t.checkpointFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; jws: string });
    const { rows } = await t.sql.query<{ seq: string }>('SELECT seq FROM audit.checkpoints ORDER BY seq');
    const seqs = rows.map((r) => Number(r.seq));
    expect(lines.map((l) => l.seq)).toEqual(seqs);
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    // A checkpoint closes the batch in which the N-th event since the last one was committed.
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! - seqs[i - 1]!).toBeGreaterThanOrEqual(100);
    const payload = JSON.parse(Buffer.from(lines[1]!.jws.split('.')[1]!, 'base64url').toString()) as { previous: { seq: number } };
    expect(payload.previous.seq).toBe(seqs[0]);
  });

  it('keeps the signing key out of the database, private file mode 0600, public key beside it', async () => {
    expect(statSync(t.keyFile).mode & 0o777).toBe(0o600);
    const stored = await t.sql.query<{ public_jwk: string }>('SELECT public_jwk FROM audit.signing_keys');
    for (const row of stored.rows) expect(JSON.parse(row.public_jwk)).not.toHaveProperty('d');
    expect(JSON.parse(readFileSync(publicKeyFileFor(t.keyFile), 'utf8'))).not.toHaveProperty('d');
  });

  it('flushCheckpoint seals the head and is a no-op when nothing is new', async () => {
    await t.log.record(sampleEvent(7));
    const head = await t.sql.query<{ seq: string }>('SELECT seq FROM audit.head');
    const first = await t.log.flushCheckpoint();
    expect(first?.seq).toBe(Number(head.rows[0]!.seq));
    expect(await t.log.flushCheckpoint()).toBeNull();
  });

  it('rejects a malformed event with a TypeError without failing the others in its batch', async () => {
    const bad = { ...sampleEvent(1), mode: 'sometimes' } as unknown as Parameters<typeof t.log.record>[0];
    const nul = sampleEvent(2, { requestId: 'a\u0000b' });
    const results = await Promise.allSettled([t.log.record(sampleEvent(3)), t.log.record(bad), t.log.record(nul), t.log.record(sampleEvent(4))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
  });

  it('never stores fields the event shape does not define (no disclosed values sneak in)', async () => {
    const event = { ...sampleEvent(5), value: 'SECRET-DIAGNOSIS' } as Parameters<typeof t.log.record>[0];
    const receipt = await t.log.record(event);
    const { rows } = await t.sql.query<{ canonical: string }>('SELECT canonical FROM audit.events WHERE seq = $1', [receipt.seq]);
    expect(rows[0]?.canonical).not.toContain('SECRET-DIAGNOSIS');
  });

  it('rejects records after close with AUDIT_CLOSED', async () => {
    await t.log.close();
    await expect(t.log.record(sampleEvent(6))).rejects.toMatchObject({ code: 'AUDIT_CLOSED' });
    const result = await verifyLog({ sql: t.sql }, { checkpointFile: t.checkpointFile });
    expect(result.ok).toBe(true);
  });
});
