import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ProfileSummary } from './cpuProfile.js';
import type { Machine } from './machine.js';
import { median as medianOf, type Goal, type Run, type Summary } from './summary.js';
import type { DataCheck } from './verifyData.js';

export const BEGIN = '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
export const END = '<!-- bench:results:end -->';

interface Results {
  date: string;
  command: string;
  options: { rounds: number; seconds: number; warmup: number; connections: number; subgraphStore: string };
  machine: Machine;
  layout: string[];
  targets: Record<string, { title: string; describe: string; idleRssMb: number | null }>;
  verification: DataCheck[];
  summary: Summary[];
  versusHive: Summary[];
  runs: Run[];
  auditThroughput?: { eventsPerSecond: number; events: number; concurrency: number; p50Ms: number; p99Ms: number; transactions: number; largestBatch: number };
  auditLogD?: { events: number; ok: boolean; problem: unknown; sizes?: Array<{ operation: string; role: string; events: number; canonicalBytes: number; subjectRows: number }> };
  scaleOut?: { runs: Array<Run & { processes: number }>; chain: { events: number; ok: boolean; problem: unknown } };
  profiles?: Array<ProfileSummary & { target: string; query: string; seconds: number; rps: number; file: string }>;
  firstStartRssMbC?: number;
  goals: Goal[];
  elapsedSeconds: number;
}

const n0 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-GB'));
const n1 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const n2 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated part of BENCHMARKS.md: the tables of one run, from its results.json. */
export function renderMarkdown(raw: Record<string, unknown>): string {
  const r = raw as unknown as Results;
  const out: string[] = [];
  const m = r.machine;
  out.push(`Run of ${r.date.slice(0, 16).replace('T', ' ')} UTC, \`${r.command}\`, ${r.options.rounds} rounds × ${r.options.seconds} s per target and query (after ${r.options.warmup} s unmeasured), ${r.options.connections} connections, ${n0(r.elapsedSeconds)} s in all.`);
  out.push('');
  out.push(`Machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}; memory ${m.memory}; ${m.os}; Node ${m.node}; ${m.postgres}. Packages: ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push('');
  out.push(`Product measured: commit ${m.commit ? `\`${m.commit}\`` : 'unknown'}${m.uncommittedProductFiles?.length ? `, with uncommitted changes in ${m.uncommittedProductFiles.join(', ')}` : ', no uncommitted changes in gateway/, subgraphs/ or schema/'}.`);
  out.push('');
  out.push('Processes, all on the same cores:');
  out.push('');
  for (const l of r.layout) out.push(`- ${l}`);
  out.push('');

  const checks = r.verification;
  const failed = checks.filter((c) => !c.equal || !c.errorsAsExpected);
  out.push(`Data check before timing: ${checks.length} comparisons, ${failed.length === 0 ? 'all passed' : `${failed.length} FAILED`}: the full-access answers of (b), (c) and (d) have the same \`data\` as (a); for the restricted role (c) equals (d) and carries only FIELD_WITHHELD errors, (b) equals (a).`);
  out.push('');

  out.push('### Throughput and latency (medians over rounds)');
  out.push('');
  out.push('Ratios are taken round by round against (a) in the same round, then the median. "Failed" adds socket errors, timeouts, non-2xx answers and answers with a GraphQL error the query should not give (for the restricted role on (c)/(d), FIELD_WITHHELD is expected and not counted). CPU is the gateway process\'s own CPU time per answered request.');
  out.push('');
  out.push('| query | target | req/s | p50 ms | p99 ms | req/s ÷ (a) by round | median | p99 ÷ (a) | gateway CPU ms/req | max RSS MB | audit events/s | failed |');
  out.push('|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|');
  for (const s of r.summary) {
    const fail = s.errors + s.timeouts + s.non2xx + s.unexpected;
    out.push(`| ${s.query} | (${s.target}) ${r.targets[s.target]?.title ?? ''} | ${n0(s.medianRps)} | ${n1(s.medianP50Ms)} | ${n1(s.medianP99Ms)} | ${s.rpsRatioByRound.map(n2).join(' / ')} | **${n2(s.medianRpsRatio)}** | ${n2(s.medianP99Ratio)} | ${n2(s.medianGatewayCpuMsPerRequest)} | ${n0(s.maxGatewayRssMb)} | ${n0(s.medianAuditEventsPerSecond)} | ${fail ? `**${fail}** (${s.errors}/${s.timeouts}/${s.non2xx}/${s.unexpected})` : '0'} |`);
  }
  out.push('');
  const disturbed = r.summary.filter((s) => (s.maxForeignCpuMsPerSecond ?? 0) > 100);
  if (disturbed.length) {
    out.push(`Other work on the machine (processes outside the bench) used more than 10 % of a core during some runs: ${disturbed.map((s) => `(${s.target}) ${s.query} up to ${n0((s.maxForeignCpuMsPerSecond ?? 0) / 10)} %`).join(', ')}. Those req/s are lower than the machine allows; the CPU-per-request figures are much less affected.`);
    out.push('');
  } else {
    out.push('No other work on the machine took more than 10 % of a core during any timed run.');
    out.push('');
  }
  const problems = r.summary.filter((s) => s.firstProblem);
  for (const s of problems) out.push(`- First problem seen on (${s.target}) ${s.query}: \`${cell(s.firstProblem ?? '')}\``);
  if (problems.length) out.push('');

  out.push('Where the CPU went, per answered request (medians over rounds, ms): the gateway, the shared subgraph host, every PostgreSQL process, and the load generator. All share the same cores, so every target\'s req/s also carries the subgraphs\' and the database\'s work.');
  out.push('');
  out.push('| query | target | gateway | subgraphs | postgres | load generator | subgraph SQL statements/req |');
  out.push('|---|---|--:|--:|--:|--:|--:|');
  for (const s of r.summary) {
    const mine = r.runs.filter((x) => x.target === s.target && x.query === s.query);
    const med = (k: string) => medianOf(mine.map((x) => x.cpuMsPerRequest[k] ?? Number.NaN));
    out.push(`| ${s.query} | (${s.target}) | ${n2(med('gateway'))} | ${n2(med('subgraphs'))} | ${n2(med('postgres'))} | ${n2(med('load generator'))} | ${n1(medianOf(mine.map((x) => x.subgraphStatementsPerRequest)))} |`);
  }
  out.push('');
  if (r.firstStartRssMbC) out.push(`(c) on its very first start, while creating its embedded audit store (initdb), had an RSS of ${n0(r.firstStartRssMbC)} MB at idle; it was stopped and (c) measured from its second start, as it runs ever after.`);
  out.push('');

  out.push('Against Hive Gateway (b), same rounds:');
  out.push('');
  out.push('| query | target | req/s ÷ (b) by round | median |');
  out.push('|---|---|---|--:|');
  for (const s of r.versusHive) out.push(`| ${s.query} | (${s.target}) | ${s.rpsRatioByRound.map(n2).join(' / ')} | **${n2(s.medianRpsRatio)}** |`);
  out.push('');

  out.push('### Goals of issue 5');
  out.push('');
  out.push('| goal | measured | met |');
  out.push('|---|---|---|');
  for (const g of r.goals) out.push(`| ${g.goal} | ${cell(g.measured)} | ${g.met ? 'yes' : '**no**'} |`);
  out.push('');

  if (r.auditThroughput) {
    const a = r.auditThroughput;
    out.push(`### Audit store alone (measureAuditThroughput, PostgreSQL)`);
    out.push('');
    out.push(`${n0(a.eventsPerSecond)} disclosure events/s: ${n0(a.events)} events from ${a.concurrency} concurrent writers, each awaiting its receipt; p50 ${n1(a.p50Ms)} ms, p99 ${n1(a.p99Ms)} ms; ${n0(a.transactions)} transactions (group commit, largest batch ${a.largestBatch}).`);
    if (r.auditLogD) out.push(`The log (d) wrote during the rounds: ${n0(r.auditLogD.events)} events, chain ${r.auditLogD.ok ? 'verifies' : `**does not verify**: ${JSON.stringify(r.auditLogD.problem)}`}.`);
    out.push('');
    if (r.auditLogD?.sizes?.length) {
      out.push('One disclosure event per answered request; its size grows with the children in the answer:');
      out.push('');
      out.push('| operation | role | events | canonical bytes per event | subject rows per event |');
      out.push('|---|---|--:|--:|--:|');
      for (const z of r.auditLogD.sizes) out.push(`| ${z.operation} | ${z.role} | ${n0(z.events)} | ${n0(z.canonicalBytes)} | ${n1(z.subjectRows)} |`);
      out.push('');
    }
  }

  if (r.scaleOut) {
    out.push('### Scale-out: gateway processes over one PostgreSQL audit log (node cluster)');
    out.push('');
    out.push('| processes | query | req/s | p50 ms | p99 ms | gateway CPU ms/req | RSS MB (all) | audit events/s | failed |');
    out.push('|--:|---|--:|--:|--:|--:|--:|--:|--:|');
    for (const x of r.scaleOut.runs) {
      const fail = x.errors + x.timeouts + x.non2xx + x.unexpected;
      out.push(`| ${x.processes} | ${x.query} | ${n0(x.rps)} | ${n1(x.p50Ms)} | ${n1(x.p99Ms)} | ${n2(x.cpuMsPerRequest['gateway'])} | ${n0(x.gatewayRssMb)} | ${n0(x.auditEventsPerSecond)} | ${fail} |`);
    }
    const c = r.scaleOut.chain;
    out.push('');
    out.push(`Afterwards \`verifyLog\` (with the checkpoint public key and the checkpoint file) over the shared log: ${n0(c.events)} events, chain ${c.ok ? '**verifies**' : `**does not verify**: ${JSON.stringify(c.problem)}`}.`);
    out.push('');
  }

  for (const p of r.profiles ?? []) {
    out.push(`### Profile of (${p.target}) on ${p.query} (\`--cpu-prof\`, ${p.seconds} s at ${n0(p.rps)} req/s, ${n0(p.busyMs)} ms busy in the window; \`${p.file}\`)`);
    out.push('');
    out.push('Top functions by self time:');
    out.push('');
    out.push('| function | where | self ms | share |');
    out.push('|---|---|--:|--:|');
    for (const e of p.topSelf.slice(0, 20)) out.push(`| \`${cell(e.name)}\` | ${cell(e.where)} | ${n0(e.ms)} | ${pct(e.share)} |`);
    out.push('');
    out.push('Self time by origin:');
    out.push('');
    out.push('| origin | self ms | share |');
    out.push('|---|--:|--:|');
    for (const e of p.selfByOrigin.slice(0, 15)) out.push(`| ${cell(e.name)} | ${n0(e.ms)} | ${pct(e.share)} |`);
    out.push('');
    out.push('Project code on the stack (inclusive time):');
    out.push('');
    out.push('| project function | inclusive ms | share |');
    out.push('|---|--:|--:|');
    for (const e of p.inclusiveByProjectFunction.slice(0, 20)) out.push(`| ${cell(e.name)} | ${n0(e.ms)} | ${pct(e.share)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Replaces the generated section of BENCHMARKS.md, leaving the written notes around it alone. */
export function writeMarkdown(file: string, section: string): void {
  const block = `${BEGIN}\n\n${section}\n${END}`;
  if (!existsSync(file)) {
    writeFileSync(file, `# Benchmarks\n\n## Results\n\n${block}\n`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) {
    writeFileSync(file, `${text.trimEnd()}\n\n## Results\n\n${block}\n`);
    return;
  }
  writeFileSync(file, `${text.slice(0, from)}${block}${text.slice(to + END.length)}`);
}
