import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** Seconds of measured load per (target, query, round). */
  seconds: number;
  /** Seconds of unmeasured load before each measured one (0: none). */
  warmup: number;
  /** Unmeasured requests per target and query before the first round. */
  warmupRequests: number;
  connections: number;
  profile: boolean;
  profileSeconds: number;
  scaleOut: boolean;
  /** Queries timed at 1 and 2 processes. */
  scaleOutQueries: string[];
  auditEvents: number;
  subgraphStore: 'postgres' | 'pglite';
  /** Where results go; quick mode writes a separate file and leaves BENCHMARKS.md alone unless --markdown. */
  resultsFile: string;
  markdown: boolean;
}

const HELP = `npm run bench -- [options]
  --quick              sanity check in under a minute: 1 round of 1 s per query, short scale-out, no profile
  --rounds N           rounds of a b c d (default 3, at least 3 for a full run)
  --seconds S          measured seconds per target and query (default 5)
  --warmup S           unmeasured seconds before each (default 1; 0 in quick mode, after a 40-request warm-up)
  --connections N      concurrent connections (default 10)
  --no-profile         skip the --cpu-prof run of (c)
  --no-scale-out       skip the 1- and 2-process run over one PostgreSQL audit log
  --subgraph-store S   postgres (default) or pglite: the store behind the shared subgraphs
  --markdown           also write BENCHMARKS.md in quick mode`;

/** Reads the bench's command-line options (after `npm run bench --`). */
export function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      'no-scale-out': { type: 'boolean', default: false },
      'subgraph-store': { type: 'string', default: 'postgres' },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const num = (raw: string | undefined, fallback: number, name: string, min: number, max: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new TypeError(`--${name} expects a number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const quick = values.quick === true;
  const store = values['subgraph-store'];
  if (store !== 'postgres' && store !== 'pglite') throw new TypeError(`--subgraph-store expects postgres or pglite, got "${store}"`);
  return {
    quick,
    rounds: Math.round(num(values.rounds, quick ? 1 : 3, 'rounds', 1, 20)),
    seconds: num(values.seconds, quick ? 1 : 5, 'seconds', 1, 120),
    warmup: num(values.warmup, quick ? 0 : 1, 'warmup', 0, 30),
    warmupRequests: quick ? 40 : 200,
    connections: Math.round(num(values.connections, 10, 'connections', 1, 256)),
    profile: !quick && values['no-profile'] !== true,
    profileSeconds: 10,
    scaleOut: values['no-scale-out'] !== true,
    scaleOutQueries: quick ? ['childView'] : ['childView', 'list10', 'restricted', 'batch50'],
    auditEvents: quick ? 3_000 : 20_000,
    subgraphStore: store,
    resultsFile: quick ? 'bench/results.quick.json' : 'bench/results.json',
    markdown: !quick || values.markdown === true,
  };
}
