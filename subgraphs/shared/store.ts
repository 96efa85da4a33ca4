import type { Agency } from './agency.js';
import { SEED } from './population.js';
import type { Sql, SqlTx } from './sql.js';

/** Creates the agency's schema and tables if they are missing. */
export async function migrate(sql: Sql, agency: Agency): Promise<void> {
  await sql.query(`CREATE SCHEMA IF NOT EXISTS ${agency.pgSchema}`);
  await sql.query(`CREATE TABLE IF NOT EXISTS ${agency.pgSchema}.seed_state (id int PRIMARY KEY DEFAULT 1 CHECK (id = 1), seed bigint NOT NULL, children int NOT NULL)`);
  for (const statement of agency.ddl) await sql.query(statement);
}

const BATCH_CHILDREN = 5_000;

export interface SeedResult {
  agency: string;
  /** Children whose records were added by this call (0 when the store already held them). */
  added: number;
  children: number;
}

/**
 * Seeds child records 1..children. Idempotent: a store seeded with the same seed keeps what it has and only
 * adds the children it lacks; records are a pure function of (seed, child index), so growing a seed yields
 * the same records as seeding that size from scratch. A store seeded with another seed is refused.
 */
export async function seed(sql: Sql, agency: Agency, children: number): Promise<SeedResult> {
  await migrate(sql, agency);
  const state = await sql.query<{ seed: string; children: number }>(`SELECT seed::text AS seed, children FROM ${agency.pgSchema}.seed_state`);
  const current = state.rows[0];
  if (current && Number(current.seed) !== SEED) {
    throw new Error(`The ${agency.title} store was seeded with seed ${current.seed}, not ${SEED}: drop schema ${agency.pgSchema} to reseed.`);
  }
  const have = current?.children ?? 0;
  if (have >= children) return { agency: agency.name, added: 0, children: have };
  for (let from = have + 1; from <= children; from += BATCH_CHILDREN) {
    const to = Math.min(children, from + BATCH_CHILDREN - 1);
    await sql.transaction(async (tx) => {
      const rows: Record<string, unknown[][]> = {};
      for (let i = from; i <= to; i++) {
        for (const [table, list] of Object.entries(agency.records(i))) (rows[table] ??= []).push(...list);
      }
      for (const table of agency.tables) await insertRows(tx, agency.pgSchema, table.name, table.columns, rows[table.name] ?? []);
      await tx.query(
        `INSERT INTO ${agency.pgSchema}.seed_state (id, seed, children) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET children = excluded.children, seed = excluded.seed`,
        [SEED, to],
      );
    });
  }
  return { agency: agency.name, added: children - have, children };
}

/**
 * Inserts rows with one statement of column arrays (`INSERT … SELECT FROM unnest(…)`), which stays under the
 * 65,535-parameter limit however many rows there are. Rows already present are left alone.
 */
export async function insertRows(tx: SqlTx, schema: string, table: string, columns: ReadonlyArray<readonly [string, string]>, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map((_, c) => rows.map((row) => row[c] ?? null));
  const names = columns.map(([name]) => name).join(', ');
  const unnest = columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ');
  await tx.query(`INSERT INTO ${schema}.${table} (${names}) SELECT * FROM unnest(${unnest}) ON CONFLICT DO NOTHING`, arrays);
}
