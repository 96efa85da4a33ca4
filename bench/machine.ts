import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './database.js';

export interface Machine {
  nproc: number;
  cpu: string;
  memory: string;
  os: string;
  node: string;
  postgres: string;
  packages: Record<string, string>;
  /** The commit measured, and whether product files differed from it (another engineer may be editing). */
  commit: string;
  uncommittedProductFiles: string[];
}

const PACKAGES = ['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway-runtime', '@graphql-mesh/transport-http', 'graphql', 'autocannon', '@electric-sql/pglite', 'pg', 'jose'];

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** What the numbers were measured on: `nproc`, `free -m`, the CPU, Node, PostgreSQL and package versions. */
export async function describeMachine(root: string): Promise<Machine> {
  const free = run('free', ['-m']).split('\n').find((l) => l.startsWith('Mem:'))?.split(/\s+/);
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  let postgres = 'unknown';
  try {
    await client.connect();
    postgres = String((await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? 'unknown');
  } finally {
    await client.end().catch(() => {});
  }
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'absent';
    }
  };
  return {
    nproc: Number(run('nproc', [])) || availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: free ? `${free[1]} MB total, ${free[6]} MB available (free -m)` : `${Math.round(totalmem() / 1e6)} MB`,
    os: `${type()} ${release()}`,
    node: process.version,
    postgres: `PostgreSQL ${postgres}`,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, version(p)])),
    commit: run('git', ['-C', root, 'log', '-1', '--format=%h %s']) || 'unknown',
    uncommittedProductFiles: run('git', ['-C', root, 'status', '--porcelain', '--', 'gateway', 'subgraphs', 'schema']).split('\n').filter(Boolean).map((l) => l.slice(3)),
  };
}
