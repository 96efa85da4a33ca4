import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { CHILD_ID } from './population.js';
import type { Sql } from './sql.js';

/**
 * A per-request loader of at most one row per child id: one SQL statement per batch (`… WHERE child_id =
 * ANY($1)`), values in key order, `null` where the agency holds nothing.
 */
export function rowLoader<R extends Record<string, unknown>>(sql: Sql, text: string, key: keyof R & string): DataLoader<string, R | null> {
  return new DataLoader(async (ids) => {
    const { rows } = await sql.query<R>(text, [ids]);
    const byId = new Map<unknown, R>();
    for (const row of rows) byId.set(row[key], row);
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** A per-request loader of every row per child id (in the statement's order): one SQL statement per batch. */
export function rowsLoader<R extends Record<string, unknown>>(sql: Sql, text: string, key: keyof R & string): DataLoader<string, R[]> {
  return new DataLoader(async (ids) => {
    const { rows } = await sql.query<R>(text, [ids]);
    const byId = new Map<unknown, R[]>();
    for (const row of rows) {
      const list = byId.get(row[key]);
      if (list) list.push(row);
      else byId.set(row[key], [row]);
    }
    return ids.map((id) => byId.get(id) ?? []);
  });
}

/** Refuses a malformed child id with a validation error that says what a valid one looks like. */
export function assertChildId(id: string, argument = 'id'): void {
  if (!CHILD_ID.test(id)) {
    throw new GraphQLError(`"${id.slice(0, 40)}" is not a child id: ids are C followed by six digits, e.g. C000001.`, {
      extensions: { code: 'BAD_USER_INPUT', argument },
    });
  }
}
