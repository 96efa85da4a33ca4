import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { AuditLogStats } from '../../gateway/audit/AuditLog.js';
import { serveChild } from '../ipc.js';
import type { TargetInfo } from './targetEnv.js';
import type { PolicyTargetInfo } from './policy.js';

export interface ClusterInfo extends TargetInfo {
  workerPids: number[];
}

/**
 * Scale-out: a node cluster primary that forks BENCH_WORKERS copies of the policy gateway (targets/policy.ts)
 * on one shared PORT; the primary hands connections to them in turn. Every worker writes the one audit log
 * named by AUDIT_DATABASE_URL and shares DATA_DIR (so the checkpoint key). Workers are forked one after the
 * other (each to ready), so start-up work does not pile up on the same cores.
 */
await serveChild<ClusterInfo>(async () => {
  const count = Number(process.env['BENCH_WORKERS'] ?? 2);
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./policy.ts', import.meta.url)), execArgv: ['--import', 'tsx'], silent: false });
  const workers: Array<{ worker: Worker; info: PolicyTargetInfo }> = [];
  const pending = new Map<number, (v: unknown) => void>();
  let nextId = 1;
  for (let i = 0; i < count; i++) {
    const worker = cluster.fork();
    const info = await new Promise<PolicyTargetInfo>((resolve, reject) => {
      worker.on('message', (m: { kind: string; info?: PolicyTargetInfo; message?: string; id?: number; value?: unknown }) => {
        if (m.kind === 'ready') resolve(m.info as PolicyTargetInfo);
        else if (m.kind === 'failed') reject(new Error(m.message));
        else if (m.kind === 'result' && m.id !== undefined) {
          pending.get(m.id)?.(m.value);
          pending.delete(m.id);
        }
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    workers.push({ worker, info });
  }
  const ask = (w: Worker, method: string) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      w.send({ kind: 'call', id, method });
    });
  const first = workers[0]!.info;
  return {
    info: {
      url: first.url,
      publicJwks: workers.flatMap((w) => w.info.publicJwks),
      workerPids: workers.map((w) => w.info.pid),
      describe: `${count} × ${first.describe} (node cluster)`,
    },
    handlers: {
      async auditStats() {
        const all = (await Promise.all(workers.map((w) => ask(w.worker, 'auditStats')))) as AuditLogStats[];
        return all.reduce((sum, s) => ({ ...sum, events: sum.events + s.events, transactions: sum.transactions + s.transactions, failedTransactions: sum.failedTransactions + s.failedTransactions, largestBatch: Math.max(sum.largestBatch, s.largestBatch), checkpoints: sum.checkpoints + s.checkpoints }));
      },
    },
    async close() {
      await Promise.all(workers.map(async ({ worker }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        await ask(worker, 'stop');
        await exited;
      }));
    },
  };
});
