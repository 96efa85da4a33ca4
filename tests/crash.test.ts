import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../gateway/audit/verifyLog.js';
import { openDevIssuer } from '../gateway/identity/devIssuer.js';
import { openSql } from '../subgraphs/shared/sql.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { spawnGateway, type GatewayProcess } from './helpers/process.js';

interface Sent {
  requestId: string;
  seq: number;
}

/** Sends disclosing requests until `stop()`; remembers every answer that disclosed, with its audit seq. */
function load(url: string, token: string, concurrency: number) {
  const sent: Sent[] = [];
  let running = true;
  const workers = Array.from({ length: concurrency }, async (_, w) => {
    for (let i = 0; running && i < 2_000; i++) {
      const requestId = randomUUID();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'STRATEGY_DISCUSSION', 'x-request-id': requestId },
          body: JSON.stringify({ query: `{ child(id: "C00000${(w % 5) + 1}") { name health { diagnoses { code } } } }` }),
        });
        const body = (await res.json()) as { data?: { child?: { name?: string | null } }; extensions?: { policy?: { auditEvent?: { seq: number } } } };
        if (body.data?.child?.name) sent.push({ requestId, seq: body.extensions!.policy!.auditEvent!.seq });
      } catch {
        return; // the gateway is gone
      }
    }
  });
  return { sent, stop: async () => ((running = false), await Promise.all(workers)) };
}

describe('the audit log across a crash and across processes (real gateway processes)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('loses no disclosed answer when the gateway is killed with SIGKILL under load (embedded store)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mash-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, SEED_CHILDREN: '20', AUDIT_CHECKPOINT_EVERY: '50' };
    let gw: GatewayProcess = await spawnGateway(env);
    const token = await (await openDevIssuer(dataDir)).mint({ sub: 'crash-tester', role: 'MASH_SOCIAL_WORKER' });
    const traffic = load(gw.url, token, 8);
    await new Promise((r) => setTimeout(r, 1_500));
    gw.child.kill('SIGKILL');
    await gw.exited;
    await traffic.stop();
    expect(traffic.sent.length).toBeGreaterThan(20);

    // Restart, serve again (the chain continues), stop cleanly, then check the log offline.
    gw = await spawnGateway(env);
    const after = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SCREENING' }, body: JSON.stringify({ query: '{ child(id: "C000001") { name } }' }) });
    expect(((await after.json()) as { data: unknown }).data).toEqual({ child: { name: 'Amelia Hart' } });
    gw.child.kill('SIGTERM');
    await gw.exited;

    const sql = await openSql({ dataDir });
    try {
      const verdict = await verifyLog({ sql });
      expect(verdict.ok, JSON.stringify(verdict.problem)).toBe(true);
      const { rows } = await sql.query<{ request_id: string; seq: string }>('SELECT request_id, seq FROM audit.events');
      const bySeq = new Map(rows.map((r) => [Number(r.seq), r.request_id]));
      for (const s of traffic.sent) expect(bySeq.get(s.seq), `seq ${s.seq}`).toBe(s.requestId);
      // The clean stop (SIGTERM) signed a checkpoint at the head: nothing after it is protected by the chain alone.
      const head = await sql.query<{ events: string; checkpointed: string }>('SELECT (SELECT max(seq) FROM audit.events) AS events, (SELECT max(seq) FROM audit.checkpoints) AS checkpointed');
      expect(head.rows[0]!.checkpointed).toBe(head.rows[0]!.events);
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('keeps one valid chain when two gateway processes append to one PostgreSQL log', async () => {
    const db: TestDatabase = await createTestDatabase('mash_two');
    cleanups.push(() => db.drop());
    const shared = mkdtempSync(join(tmpdir(), 'mash-two-'));
    cleanups.push(() => rmSync(shared, { recursive: true, force: true }));
    const common = { AUDIT_DATABASE_URL: db.url, AUDIT_SIGNING_KEY_FILE: join(shared, 'audit-checkpoint.jwk'), SEED_CHILDREN: '20', AUDIT_CHECKPOINT_EVERY: '40' };
    const dirs = [mkdtempSync(join(tmpdir(), 'mash-gw1-')), mkdtempSync(join(tmpdir(), 'mash-gw2-'))];
    for (const d of dirs) cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    const gateways = [await spawnGateway({ ...common, DATA_DIR: dirs[0]!, AUDIT_CHECKPOINT_FILE: join(dirs[0]!, 'cp.jsonl') }), await spawnGateway({ ...common, DATA_DIR: dirs[1]!, AUDIT_CHECKPOINT_FILE: join(dirs[1]!, 'cp.jsonl') })];
    const tokens = await Promise.all(dirs.map(async (d) => (await openDevIssuer(d)).mint({ sub: 'two-tester', role: 'MASH_SOCIAL_WORKER' })));
    const loads = gateways.map((g, i) => load(g.url, tokens[i]!, 6));
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all(loads.map((l) => l.stop()));
    for (const g of gateways) {
      g.child.kill('SIGTERM');
      await g.exited;
    }
    expect(loads.every((l) => l.sent.length > 10)).toBe(true);
    const sql = await openSql({ url: db.url, dataDir: 'unused' });
    try {
      const verdict = await verifyLog({ sql });
      expect(verdict.ok, JSON.stringify(verdict.problem)).toBe(true);
      const seqs = [...loads[0]!.sent, ...loads[1]!.sent].map((s) => s.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(verdict.checkpoints).toBeGreaterThan(0);
    } finally {
      await sql.close();
    }
  }, 120_000);
});
