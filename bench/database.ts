import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The PostgreSQL server the bench uses (loopback, trust auth on this machine); BENCH_POSTGRES_URL overrides. */
export const POSTGRES_ADMIN_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `bench_<random>[_suffix]`; `drop()` removes it (forcing off any connection left open). */
export async function createBenchDatabase(stem: string, suffix = ''): Promise<BenchDatabase> {
  const name = `${stem}${suffix ? `_${suffix}` : ''}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The bench needs PostgreSQL at ${POSTGRES_ADMIN_URL} (set BENCH_POSTGRES_URL for another): ${(error as Error).message}. ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function benchDatabaseStem(): string {
  return `bench_${randomBytes(4).toString('hex')}`;
}
