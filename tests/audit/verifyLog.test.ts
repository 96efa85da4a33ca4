import { generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../gateway/audit/chainHash.js';
import { signCheckpoint, decodeCheckpoint } from '../../gateway/audit/checkpoint.js';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openTestLog, sampleEvent } from './auditTestSupport.js';

/** Tampering as a database administrator could: every case must fail verification and name the first bad seq. */
describe('verifyLog against tampering on PostgreSQL (needs the server at 127.0.0.1:5432)', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  const verify = async (options: { external?: boolean } = {}) =>
    verifyLog({ sql: t.sql }, {
      publicKeys: await readPublicKeys(publicKeyFileFor(t.keyFile)),
      ...(options.external ? { checkpointFile: t.checkpointFile } : {}),
    });

  beforeEach(async () => {
    t = await openTestLog('tamper', { checkpointEvery: 10 });
    // 60 events, committed in batches of 5 so checkpoints land at 10, 20, … 60.
    for (let b = 0; b < 12; b++) await Promise.all(Array.from({ length: 5 }, (_, i) => t.log.record(sampleEvent(b * 5 + i))));
    expect((await verify()).ok).toBe(true);
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it('catches an edited column', async () => {
    await t.sql.query(`UPDATE audit.events SET actor_role = 'POLICE' WHERE seq = 17`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 17, problem: { code: 'COLUMN_MISMATCH' } });
  });

  it('catches an edited subject index row', async () => {
    await t.sql.query(`UPDATE audit.event_subjects SET child_id = 'child-99' WHERE seq = 23`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 23, problem: { code: 'COLUMN_MISMATCH' } });
  });

  it('catches edited canonical bytes', async () => {
    await t.sql.query(`UPDATE audit.events SET canonical = replace(canonical, 'S47_ENQUIRY', 'S17_ASSESSMNT') WHERE seq = 31`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 31, problem: { code: 'EDITED' } });
  });

  it('catches an event rewritten with a recomputed hash (the next event names the old one)', async () => {
    const { rows } = await t.sql.query<{ canonical: string; prev_hash: string }>(`SELECT canonical, prev_hash FROM audit.events WHERE seq = 33`);
    const canonical = rows[0]!.canonical.replace('S47_ENQUIRY', 'S17_ASSESSMNT');
    await t.sql.query(`UPDATE audit.events SET canonical = $1, hash = $2, purpose = 'S17_ASSESSMNT' WHERE seq = 33`, [canonical, chainHash(rows[0]!.prev_hash, canonical)]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 33, problem: { code: 'EDITED' } });
  });

  it('catches a whole range rewritten consistently, through the signed checkpoint', async () => {
    // Rewrite 41..60 and every hash after, as someone without the signing key would have to.
    const { rows } = await t.sql.query<{ seq: string | number; canonical: string }>(`SELECT seq, canonical FROM audit.events WHERE seq >= 41 ORDER BY seq`);
    let prev = (await t.sql.query<{ hash: string }>(`SELECT hash FROM audit.events WHERE seq = 40`)).rows[0]!.hash;
    for (const row of rows) {
      const body = JSON.parse(row.canonical) as Record<string, unknown>;
      body.prevHash = prev;
      if (Number(row.seq) === 45) body.purpose = 'FORGED';
      const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1))));
      const hash = chainHash(prev, canonical);
      await t.sql.query(`UPDATE audit.events SET canonical = $1, hash = $2, prev_hash = $3, purpose = $4 WHERE seq = $5`, [canonical, hash, prev, body.purpose, row.seq]);
      prev = hash;
    }
    await t.sql.query(`UPDATE audit.head SET hash = $1`, [prev]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 41, problem: { code: 'CHECKPOINT_MISMATCH' } });
  });

  it('catches a deleted row', async () => {
    await t.sql.query(`DELETE FROM audit.events WHERE seq = 12`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 12, problem: { code: 'MISSING' } });
  });

  it('catches deleted history at the start', async () => {
    await t.sql.query(`DELETE FROM audit.events WHERE seq <= 5`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 1, problem: { code: 'MISSING' } });
  });

  it('catches two rows swapped (reordered)', async () => {
    await t.sql.transaction(async (tx) => {
      await tx.query(`UPDATE audit.events SET seq = -1 WHERE seq = 27`);
      await tx.query(`UPDATE audit.events SET seq = 27 WHERE seq = 28`);
      await tx.query(`UPDATE audit.events SET seq = 28 WHERE seq = -1`);
    });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 27, problem: { code: 'REORDERED' } });
  });

  it('catches a cut tail through the head row, and through the outside checkpoint file', async () => {
    await t.sql.query(`DELETE FROM audit.events WHERE seq > 55`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 56, problem: { code: 'TRUNCATED' } });
    // A careful administrator also rewinds the head and drops the last checkpoint; the outside file remembers.
    const hash = (await t.sql.query<{ hash: string }>(`SELECT hash FROM audit.events WHERE seq = 55`)).rows[0]!.hash;
    await t.sql.query(`UPDATE audit.head SET seq = 55, hash = $1`, [hash]);
    await t.sql.query(`DELETE FROM audit.checkpoints WHERE seq = 60`);
    expect((await verify()).ok).toBe(true);
    expect(await verify({ external: true })).toMatchObject({ ok: false, firstBadSeq: 56, problem: { code: 'TRUNCATED' } });
  });

  it('catches a forged checkpoint signature', async () => {
    const { rows } = await t.sql.query<{ jws: string }>(`SELECT jws FROM audit.checkpoints WHERE seq = 30`);
    const payload = decodeCheckpoint(rows[0]!.jws);
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk = await exportJWK(publicKey);
    const forged = await signCheckpoint({ privateKey, publicJwk: jwk, kid: await calculateJwkThumbprint(jwk) }, payload);
    await t.sql.query(`UPDATE audit.checkpoints SET jws = $1, digest = $2 WHERE seq = 30`, [forged.jws, forged.digest]);
    // Even with the forger's key slipped into the log's key table, the verifier's own trusted key decides.
    await t.sql.query(`INSERT INTO audit.signing_keys (kid, public_jwk) VALUES ($1, $2)`, [await calculateJwkThumbprint(jwk), JSON.stringify(jwk)]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 30, problem: { code: 'BAD_CHECKPOINT_SIGNATURE' } });
  });

  it('catches a deleted checkpoint in the middle of the checkpoint chain', async () => {
    await t.sql.query(`DELETE FROM audit.checkpoints WHERE seq = 20`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 30, problem: { code: 'CHECKPOINT_CHAIN_BROKEN' } });
  });
});
