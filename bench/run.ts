import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAuditThroughput, type AuditThroughput } from '../gateway/audit/benchAudit.js';
import { publicKeyFileFor, readPublicKeys } from '../gateway/audit/checkpointKey.js';
import { verifyLog, type VerifyResult } from '../gateway/audit/verifyLog.js';
import { openDevIssuer } from '../gateway/identity/devIssuer.js';
import { openSql } from '../subgraphs/shared/sql.js';
import { summariseProfile, type ProfileSummary } from './cpuProfile.js';
import { benchDatabaseStem, createBenchDatabase, type BenchDatabase } from './database.js';
import { startChild, type Child } from './ipc.js';
import { runLoad, warmUp } from './load.js';
import { describeMachine } from './machine.js';
import { readOptions } from './options.js';
import { postgresPids, rssMb, sampleUsage } from './procStats.js';
import { QUERIES, type BenchQuery } from './queries.js';
import { renderMarkdown, writeMarkdown } from './report.js';
import { judge, summarise, type Run } from './summary.js';
import { startTarget, TARGET_FILES, type RunningTarget, type TargetSpec } from './targets.js';
import { verifyData } from './verifyData.js';
import type { SubgraphHostInfo } from './subgraphHost.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const options = readOptions(argv);
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const began = Date.now();
const log = (message: string) => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const work = mkdtempSync(join(tmpdir(), 'mash-bench-'));
const stem = benchDatabaseStem();
const cleanups: Array<() => Promise<unknown>> = [];
const databases: BenchDatabase[] = [];
const database = async (suffix = '') => {
  const db = await createBenchDatabase(stem, suffix);
  databases.push(db);
  return db;
};

type Host = Child<SubgraphHostInfo>;
const issuerDir = join(work, 'issuer');
const issuer = await openDevIssuer(issuerDir);
const tokens = new Map<string, Promise<string>>();
/** One caller token per role from the bench's development issuer; every policy target trusts its key. */
const token = (role: string) => {
  if (!tokens.has(role)) tokens.set(role, issuer.mint({ sub: `bench-${role.toLowerCase()}`, role, name: 'Bench caller', org: 'Synthetic bench MASH' }));
  return tokens.get(role)!;
};

const results: Record<string, unknown> = { schema: 1, date: new Date().toISOString(), command, options };
let exitCode = 0;
try {
  results['machine'] = await describeMachine(ROOT);
  const main = await database();
  log(`database ${main.name} created; work folder ${work}`);

  const host = await startChild<SubgraphHostInfo>(TARGET_FILES.subgraphHost, {
    name: 'subgraph host',
    env: { BENCH_DATABASE_URL: options.subgraphStore === 'postgres' ? main.url : '', BENCH_DATA_DIR: join(work, 'subgraphs'), BENCH_SEED_CHILDREN: '300' },
  });
  cleanups.push(() => host.stop());
  log(`subgraphs up (${host.info.store})`);
  if (options.subgraphStore === 'postgres') {
    // Settle the freshly seeded tables first, so autovacuum does not wake in the middle of a timed run.
    const admin = await openSql({ url: main.url, dataDir: work });
    await admin.query('VACUUM ANALYZE');
    await admin.query('CHECKPOINT').catch(() => {});
    await admin.close();
  }

  const specs: TargetSpec[] = [
    { key: 'a', title: 'plain @apollo/gateway', file: TARGET_FILES.plainApollo, policy: false },
    { key: 'b', title: 'Hive Gateway (runtime)', file: TARGET_FILES.hive, policy: false },
    { key: 'c', title: 'this gateway, audit on PGlite', file: TARGET_FILES.policy, policy: true },
    { key: 'd', title: 'this gateway, audit on PostgreSQL', file: TARGET_FILES.policy, policy: true, env: { AUDIT_DATABASE_URL: main.url } },
  ];
  // (c)'s first start creates its embedded audit store (initdb), which leaves PGlite's heap at its peak for
  // the life of the process; every later start only opens the store. That first start is measured and
  // stopped, and (c) is run as it runs from its second start on. Its key is never trusted.
  // (Quick mode skips this: its (c) starts on a new store and says so.)
  const firstStart = options.quick
    ? Promise.resolve(null)
    : (async () => {
        const t = await startTarget(specs[2]!, host, work, issuerDir, { trust: false });
        const rss = rssMb(t.child.pid);
        await t.child.stop();
        return rss;
      })();
  const [a, b, rss] = await Promise.all([startTarget(specs[0]!, host, work, issuerDir), startTarget(specs[1]!, host, work, issuerDir), firstStart]);
  if (rss !== null) {
    results['firstStartRssMbC'] = rss;
    log(`(c) first start, creating its embedded audit store: RSS ${Math.round(rss)} MB (stopped; measured from its second start)`);
  }
  const [c, d] = await Promise.all([startTarget(specs[2]!, host, work, issuerDir), startTarget(specs[3]!, host, work, issuerDir)]);
  const targets: RunningTarget[] = [a, b, c, d];
  for (const t of targets) {
    cleanups.push(() => t.child.stop());
    log(`(${t.key}) ${t.child.info.describe} at ${t.url}, RSS ${Math.round(rssMb(t.child.pid) ?? 0)} MB`);
  }
  results['layout'] = layout(targets, host.pid);
  results['targets'] = Object.fromEntries(targets.map((t) => [t.key, { title: t.title, describe: t.child.info.describe, idleRssMb: rssMb(t.child.pid) }]));

  const verification = await verifyData(targets, QUERIES, token);
  results['verification'] = verification;
  const bad = verification.filter((v) => !v.equal || !v.errorsAsExpected);
  if (bad.length > 0) {
    for (const b of bad) log(`DATA CHECK FAILED: ${b.query} (${b.target} vs ${b.target === b.against ? '-' : b.against}): ${b.difference ?? ''} errors ${b.errorCodes.join(',')}`);
    throw new Error('the targets do not return the same data for the same question: nothing was timed');
  }
  log(`data check passed: ${verification.length} comparisons, full-access answers identical on (a) (b) (c) (d)`);

  // Warm every target on every query first (JIT, plan caches, connection pools), unmeasured.
  for (const t of targets) for (const q of QUERIES) await warmUp({ url: t.url, query: q, token: await token(q.caller.role), connections: options.connections, requests: options.warmupRequests });
  log('warm-up done');

  // Rounds in turn: for each query, a b c d, so each ratio compares loads run seconds apart.
  const runs: Run[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const q of QUERIES) for (const t of targets) runs.push(await measure(host, t, q, round));
  }
  results['runs'] = runs;
  const summary = summarise(runs, 'a');
  const versusHive = summarise(runs, 'a', 'b');
  results['summary'] = summary;
  results['versusHive'] = versusHive.filter((s) => s.target === 'c' || s.target === 'd');

  const dStats = await targets[3]!.child.call<{ events: number }>('auditStats');
  for (const t of targets) await t.child.stop();
  results['auditLogD'] = await verifyDatabaseLog(main.url, join(work, 'd'), dStats.events);
  log(`(d) audit log: ${JSON.stringify(results['auditLogD'])}`);

  // The audit store alone, on PostgreSQL, in a scratch database.
  const auditDb = await database('audit');
  const auditSql = await openSql({ url: auditDb.url, dataDir: work, poolSize: 10 });
  let audit: AuditThroughput;
  try {
    audit = await measureAuditThroughput({ sql: auditSql, events: options.auditEvents, concurrency: 64 });
  } finally {
    await auditSql.close();
  }
  results['auditThroughput'] = audit;
  log(`audit store on PostgreSQL: ${Math.round(audit.eventsPerSecond)} events/s (${audit.events} events, ${audit.concurrency} concurrent, p99 ${audit.p99Ms.toFixed(1)} ms, ${audit.transactions} transactions)`);

  if (options.scaleOut) results['scaleOut'] = await scaleOut(host);
  if (options.profile) {
    results['profiles'] = [
      await profile(host, { key: 'c', audit: 'pglite', query: 'childView', auditUrl: main.url }),
      await profile(host, { key: 'd', audit: 'postgres', query: 'batch50', auditUrl: main.url }),
    ];
  }

  results['goals'] = judge(summary, versusHive, audit.eventsPerSecond);
  results['elapsedSeconds'] = (Date.now() - began) / 1000;
} catch (error) {
  exitCode = 1;
  results['failure'] = (error as Error).stack ?? String(error);
  console.error(`The bench failed: ${(error as Error).message}`);
} finally {
  for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  for (const db of databases) await db.drop().catch((e: unknown) => console.error(`could not drop ${db.name}: ${(e as Error).message}`));
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(join(ROOT, options.resultsFile), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${options.resultsFile}`);
if (options.markdown && exitCode === 0) {
  writeMarkdown(join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
  log('wrote the results section of BENCHMARKS.md');
}
process.exit(exitCode);

/** Warms up, then measures one target on one query, with its CPU, RSS and audit events over the window. */
async function measure(host: Host, t: RunningTarget, q: BenchQuery, round: number, seconds = options.seconds): Promise<Run> {
  if (options.warmup > 0) await runLoad({ url: t.url, query: q, token: await token(q.caller.role), policy: t.policy, connections: options.connections, seconds: options.warmup });
  const auditBefore = t.policy ? await t.child.call<{ events: number }>('auditStats') : null;
  const statementsBefore = await host.call<Record<string, number>>('statements');
  const usage = sampleUsage([
    { label: 'gateway', pids: () => t.gatewayPids },
    { label: 'subgraphs', pids: () => [host.pid] },
    { label: 'postgres', pids: postgresPids },
    { label: 'load generator', pids: () => [process.pid] },
  ]);
  const result = await runLoad({ url: t.url, query: q, token: await token(q.caller.role), policy: t.policy, connections: options.connections, seconds });
  const used = usage.stop();
  const auditAfter = t.policy ? await t.child.call<{ events: number }>('auditStats') : null;
  const statementsAfter = await host.call<Record<string, number>>('statements');
  const good = Math.max(1, result.rps * result.seconds);
  const auditEvents = auditBefore && auditAfter ? auditAfter.events - auditBefore.events : null;
  const run: Run = {
    ...result,
    round,
    target: t.key,
    query: q.name,
    cpuMsPerRequest: Object.fromEntries(Object.entries(used.cpuMs).map(([k, ms]) => [k, ms / good])),
    gatewayRssMb: used.maxRssMb['gateway'] ?? 0,
    foreignCpuMsPerSecond: used.foreignCpuMsPerSecond,
    subgraphStatementsPerRequest: Object.entries(statementsAfter).reduce((n, [k, v]) => n + v - (statementsBefore[k] ?? 0), 0) / good,
    auditEvents,
    auditEventsPerSecond: auditEvents === null ? null : auditEvents / result.seconds,
  };
  const flags = result.errors + result.timeouts + result.non2xx + result.unexpected;
  log(`round ${round} ${q.name.padEnd(10)} (${t.key}) ${result.rps.toFixed(0).padStart(5)} req/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms, gateway ${run.cpuMsPerRequest['gateway']?.toFixed(2)} CPU-ms/req, ${run.subgraphStatementsPerRequest.toFixed(1)} SQL/req, RSS ${Math.round(run.gatewayRssMb)} MB${used.foreignCpuMsPerSecond > 100 ? `, OTHER LOAD ${Math.round(used.foreignCpuMsPerSecond / 10)}% of a core` : ''}${flags ? `, PROBLEMS ${flags}: ${result.firstProblem}` : ''}`);
  return run;
}


function layout(targets: RunningTarget[], hostPid: number): string[] {
  return [
    `bench process (pid ${process.pid}): orchestration and the autocannon load generator`,
    `subgraph host (pid ${hostPid}): the four agency subgraphs on seeded data, shared by every target`,
    ...targets.map((t) => `(${t.key}) ${t.title} (pid ${t.child.pid}): ${t.child.info.describe}`),
    'PostgreSQL 127.0.0.1:5432: the subgraphs\' store (unless --subgraph-store pglite) and the audit log of (d) and of the scale-out',
  ];
}

interface EventSize {
  operation: string;
  role: string;
  events: number;
  canonicalBytes: number;
  subjectRows: number;
}

async function verifyDatabaseLog(url: string, dataDir: string, expectedAtLeast: number): Promise<{ events: number; ok: boolean; problem: unknown; sizes: EventSize[] }> {
  const sql = await openSql({ url, dataDir: work });
  try {
    const count = Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM audit.events')).rows[0]?.n ?? 0);
    // How big one disclosure event is, per query of the mix (the operation name is inside the canonical text).
    const sizes = (await sql.query<{ operation: string; role: string; events: string; bytes: string; subjects: string }>(
      `SELECT substring(e.canonical from '"name":"(Child[A-Za-z]*)"') AS operation, e.actor_role AS role, count(*)::text AS events,
              round(avg(octet_length(e.canonical)))::text AS bytes,
              round(avg((SELECT count(*) FROM audit.event_subjects s WHERE s.seq = e.seq)), 1)::text AS subjects
       FROM audit.events e GROUP BY 1, 2 ORDER BY 1, 2`,
    )).rows.map((r) => ({ operation: r.operation ?? '(other)', role: r.role, events: Number(r.events), canonicalBytes: Number(r.bytes), subjectRows: Number(r.subjects) }));
    const keyFile = join(dataDir, 'keys', 'audit-checkpoint.jwk');
    const result: VerifyResult = await verifyLog({ sql }, { publicKeys: await readPublicKeys(publicKeyFileFor(keyFile)), checkpointFile: join(dataDir, 'audit-checkpoints.jsonl') });
    return { events: count, ok: result.ok && count >= expectedAtLeast, problem: result.ok ? null : result.problem, sizes };
  } finally {
    await sql.close();
  }
}

/** N gateway processes (node cluster) over one PostgreSQL audit log, at N = 1 and 2; then the chain is verified. */
async function scaleOut(host: Host) {
  const db = await database('scale');
  const dataDir = join(work, 'scale');
  const runs: Array<Run & { processes: number }> = [];
  let events = 0;
  for (const processes of [1, 2]) {
    const port = await freePort();
    const t = await startTarget({ key: `x${processes}`, title: `${processes} process(es)`, file: TARGET_FILES.cluster, policy: true, dataDir, env: { BENCH_WORKERS: String(processes), PORT: String(port), AUDIT_DATABASE_URL: db.url } }, host, work, issuerDir);
    log(`scale-out: ${t.child.info.describe} at ${t.url}`);
    try {
      for (const q of QUERIES.filter((x) => options.scaleOutQueries.includes(x.name))) {
        await warmUp({ url: t.url, query: q, token: await token(q.caller.role), connections: options.connections, requests: options.warmupRequests * processes });
        runs.push({ ...(await measure(host, t, q, processes)), processes });
      }
      events = (await t.child.call<{ events: number }>('auditStats')).events + events;
    } finally {
      await t.child.stop();
    }
  }
  const chain = await verifyDatabaseLog(db.url, dataDir, events);
  log(`scale-out audit log: ${chain.events} events from 1 then 2 processes, chain ${chain.ok ? 'verifies' : `DOES NOT VERIFY: ${JSON.stringify(chain.problem)}`}`);
  return { runs, chain };
}

/**
 * A policy target again, alone, under `--cpu-prof`, on one query; the profile is cut to the loaded window.
 * (c) on the child view is the issue's question; (d) on the 50-child batch shows the cost that grows with
 * the size of the answer.
 */
async function profile(host: Host, spec: { key: string; audit: 'pglite' | 'postgres'; query: string; auditUrl: string }): Promise<ProfileSummary & { target: string; query: string; seconds: number; rps: number; file: string }> {
  const dir = join(work, `cpuprofile-${spec.key}`);
  const t = await startTarget(
    { key: `p${spec.key}`, title: `profiled (${spec.key})`, file: TARGET_FILES.policy, policy: true, env: spec.audit === 'postgres' ? { AUDIT_DATABASE_URL: spec.auditUrl } : {}, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
    host, work, issuerDir,
  );
  const q = QUERIES.find((x) => x.name === spec.query)!;
  const jwt = await token(q.caller.role);
  await warmUp({ url: t.url, query: q, token: jwt, connections: options.connections, requests: options.warmupRequests });
  const from = await t.child.call<number>('clock');
  const load = await runLoad({ url: t.url, query: q, token: jwt, policy: true, connections: options.connections, seconds: options.profileSeconds });
  const to = await t.child.call<number>('clock');
  await t.child.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled gateway wrote no .cpuprofile');
  const keep = join(ROOT, 'bench', '.out');
  mkdirSync(keep, { recursive: true });
  const kept = `${spec.key}-${q.name}.cpuprofile`;
  cpSync(join(dir, file), join(keep, kept));
  const summary = summariseProfile(join(dir, file), ROOT, { window: { from, to } });
  log(`profile (${spec.key}) ${q.name}: ${load.rps.toFixed(0)} req/s under --cpu-prof, ${summary.busyMs.toFixed(0)} ms busy; top self: ${summary.topSelf.slice(0, 5).map((e) => `${e.name} ${(e.share * 100).toFixed(1)}%`).join(', ')}`);
  return { ...summary, target: spec.key, query: q.name, seconds: options.profileSeconds, rps: load.rps, file: `bench/.out/${kept}` };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
