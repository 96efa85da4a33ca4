import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Sql } from './sql.js';
import type { GatewayClaims } from './gatewayToken.js';

/** A table an agency seeds: its name inside the agency's PostgreSQL schema and its columns with their types. */
export interface TableSpec {
  name: string;
  columns: ReadonlyArray<readonly [name: string, pgType: string]>;
}

/** What a resolver sees: the caller the gateway vouched for, and this request's loaders. */
export interface AgencyContext<L> {
  caller: GatewayClaims;
  loaders: L;
}

/**
 * One agency subgraph. Every agency folder exports one of these from `index.ts` and has the same files:
 * schema.graphql (the SDL and its data-protection directives), store.ts (tables and SQL), loaders.ts
 * (per-request DataLoaders), resolvers.ts and seed.ts (deterministic synthetic records). Register it once in
 * subgraphs/registry.ts; composition, the gateway, seeding, docker-compose and the tests pick it up from there.
 */
export interface Agency<L = unknown> {
  /** Subgraph name in the supergraph, e.g. `social-care`. */
  name: string;
  /** Plain-words name used in messages, e.g. "Children's social care". */
  title: string;
  /** Default port is the gateway's PORT plus this. */
  portOffset: number;
  /** Prefix of its environment variables: `<PREFIX>_PORT`, `<PREFIX>_URL`. */
  envPrefix: string;
  /** Its PostgreSQL schema: its tables live there and nowhere else. */
  pgSchema: string;
  /** Absolute path of its schema.graphql. */
  schemaFile: string;
  /** CREATE statements for its tables (idempotent). */
  ddl: readonly string[];
  /** The tables that `records` fills, in insert order. */
  tables: readonly TableSpec[];
  /** The synthetic rows for child number `index`, per table name, in the column order of `tables`. */
  records(index: number): Record<string, unknown[][]>;
  createLoaders(sql: Sql): L;
  resolvers: GraphQLResolverMap<AgencyContext<L>>;
}
