import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { openDevIssuer } from '../identity/devIssuer.js';
import { loadVocabulary } from '../policy/vocabulary.js';

/**
 * `npm run token -- --role MASH_SOCIAL_WORKER --sub alice [--name "Alice Smith"] [--org "Northtown CSC"] [--expires 8h]`
 * prints a token from the local development issuer (the key under DATA_DIR/keys, made on first use).
 */
const usage = 'usage: npm run token -- --role ROLE --sub ID [--name NAME] [--org ORG] [--expires 8h]';
let values;
try {
  ({ values } = parseArgs({ options: { role: { type: 'string' }, sub: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' }, expires: { type: 'string' } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const roles = [...loadVocabulary().roles.keys()];
if (!values.role || !values.sub) {
  console.error(`${usage}\nroles: ${roles.join(', ')}`);
  process.exit(2);
}
if (!roles.includes(values.role)) console.error(`warning: ${values.role} is not a MASH role; the gateway will answer 403 FORBIDDEN. Roles: ${roles.join(', ')}`);
const issuer = await openDevIssuer(resolve(process.env['DATA_DIR'] || './data'));
console.log(await issuer.mint({ sub: values.sub, role: values.role, name: values.name, org: values.org }, { expiresIn: values.expires }));
