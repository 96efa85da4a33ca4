import type { LoadResult } from './load.js';

/** One measured load: one target, one query, one round. */
export interface Run extends LoadResult {
  round: number;
  target: string;
  query: string;
  /** CPU milliseconds per good response, by process group (gateway, subgraphs, postgres, load generator). */
  cpuMsPerRequest: Record<string, number>;
  /** SQL statements the subgraphs ran per good response (responses the load did not wait for add a little). */
  subgraphStatementsPerRequest: number;
  /** Largest gateway RSS during the run (summed over its processes), MB. */
  gatewayRssMb: number;
  /** CPU ms per second used meanwhile by processes that are not part of the bench (another job on the machine). */
  foreignCpuMsPerSecond: number;
  /** Audit events recorded during the run (policy targets only). */
  auditEvents: number | null;
  auditEventsPerSecond: number | null;
}

export interface Summary {
  target: string;
  query: string;
  rounds: number;
  medianRps: number;
  medianP50Ms: number;
  medianP99Ms: number;
  /** req/s ÷ (a)'s req/s in the same round and query. */
  rpsRatioByRound: number[];
  medianRpsRatio: number;
  p99RatioByRound: number[];
  medianP99Ratio: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  unexpected: number;
  firstProblem: string | null;
  medianGatewayCpuMsPerRequest: number;
  maxGatewayRssMb: number;
  medianAuditEventsPerSecond: number | null;
  /** The most CPU other processes used during one of these runs, ms per second (1000 = a whole core). */
  maxForeignCpuMsPerSecond: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** Per target and query: medians over rounds, and ratios to `baseline` taken round by round. */
export function summarise(runs: Run[], baseline = 'a', against: string = baseline): Summary[] {
  const keys = [...new Set(runs.map((r) => `${r.target}|${r.query}`))];
  return keys.map((key) => {
    const [target, query] = key.split('|') as [string, string];
    const mine = runs.filter((r) => r.target === target && r.query === query).sort((x, y) => x.round - y.round);
    const base = (round: number) => runs.find((r) => r.target === against && r.query === query && r.round === round);
    const rpsRatio = mine.map((r) => r.rps / (base(r.round)?.rps ?? Number.NaN));
    const p99Ratio = mine.map((r) => r.p99Ms / (base(r.round)?.p99Ms ?? Number.NaN));
    const audit = mine.map((r) => r.auditEventsPerSecond).filter((v): v is number => v !== null);
    return {
      target,
      query,
      rounds: mine.length,
      medianRps: median(mine.map((r) => r.rps)),
      medianP50Ms: median(mine.map((r) => r.p50Ms)),
      medianP99Ms: median(mine.map((r) => r.p99Ms)),
      rpsRatioByRound: rpsRatio,
      medianRpsRatio: median(rpsRatio),
      p99RatioByRound: p99Ratio,
      medianP99Ratio: median(p99Ratio),
      errors: sum(mine.map((r) => r.errors)),
      timeouts: sum(mine.map((r) => r.timeouts)),
      non2xx: sum(mine.map((r) => r.non2xx)),
      unexpected: sum(mine.map((r) => r.unexpected)),
      firstProblem: mine.find((r) => r.firstProblem)?.firstProblem ?? null,
      medianGatewayCpuMsPerRequest: median(mine.map((r) => r.cpuMsPerRequest['gateway'] ?? Number.NaN)),
      maxGatewayRssMb: Math.max(...mine.map((r) => r.gatewayRssMb)),
      medianAuditEventsPerSecond: audit.length ? median(audit) : null,
      maxForeignCpuMsPerSecond: Math.max(...mine.map((r) => r.foreignCpuMsPerSecond ?? 0)),
    };
  });
}

function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

/** The targets, judged on the medians. */
export function judge(summaries: Summary[], versusHive: Summary[], auditPerSecond: number | null): Goal[] {
  const of = (t: string) => summaries.filter((s) => s.target === t);
  const goals: Goal[] = [];
  const fmt = (x: number) => `${x.toFixed(2)}x`;
  for (const s of of('c')) {
    goals.push({ goal: `(c) ≥ 1.0x (a) req/s on ${s.query}`, measured: fmt(s.medianRpsRatio), met: s.medianRpsRatio >= 1.0 });
    goals.push({ goal: `(c) p99 ≤ 1.1x (a) on ${s.query}`, measured: fmt(s.medianP99Ratio), met: s.medianP99Ratio <= 1.1 });
  }
  for (const s of of('d')) goals.push({ goal: `(d) ≥ 0.9x (a) req/s on ${s.query}`, measured: fmt(s.medianRpsRatio), met: s.medianRpsRatio >= 0.9 });
  const cv = versusHive.find((s) => s.target === 'c' && s.query === 'childView');
  if (cv) goals.push({ goal: '(c) ahead of Hive Gateway (b) on the child view', measured: `${fmt(cv.medianRpsRatio)} of (b)`, met: cv.medianRpsRatio > 1.0 });
  if (auditPerSecond !== null) goals.push({ goal: 'audit store ≥ 5,000 events/s on PostgreSQL', measured: `${Math.round(auditPerSecond)}/s`, met: auditPerSecond >= 5_000 });
  for (const t of ['c', 'd']) {
    const rss = Math.max(...of(t).map((s) => s.maxGatewayRssMb));
    if (Number.isFinite(rss)) goals.push({ goal: `(${t}) gateway RSS under load < 300 MB`, measured: `${Math.round(rss)} MB`, met: rss < 300 });
  }
  const failing = summaries.filter((s) => s.errors + s.timeouts + s.non2xx + s.unexpected > 0);
  goals.push({ goal: 'no failed requests or unexpected GraphQL errors', measured: failing.length ? failing.map((s) => `${s.target}/${s.query}`).join(', ') : 'none', met: failing.length === 0 });
  return goals;
}
