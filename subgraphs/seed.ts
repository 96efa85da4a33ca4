import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { agencies } from './registry.js';
import { DEFAULT_CHILDREN } from './shared/population.js';
import { openSql } from './shared/sql.js';
import { seed } from './shared/store.js';

/** `npm run seed -- --children N`: seeds every agency's store (idempotent; grows an existing seed). */
let children = DEFAULT_CHILDREN;
try {
  const { values } = parseArgs({ options: { children: { type: 'string' } } });
  if (values.children !== undefined) {
    children = Number(values.children);
    if (!Number.isInteger(children) || children < 5 || children > 1_000_000) throw new Error(`--children must be a whole number from 5 to 1000000, not "${values.children}"`);
  }
} catch (error) {
  console.error(`${(error as Error).message}\nusage: npm run seed -- [--children N]`);
  process.exit(2);
}
const sql = await openSql({ url: process.env['DATABASE_URL'] || undefined, dataDir: resolve(process.env['DATA_DIR'] || './data'), tag: 'seed' });
const started = performance.now();
try {
  for (const agency of agencies) {
    const r = await seed(sql, agency, children);
    console.log(`${agency.title.padEnd(24)} ${r.added > 0 ? `added ${r.added} children` : `already held ${r.children} children`}`);
  }
  console.log(`Seeded ${children} children into ${sql.describe} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await sql.close();
}
