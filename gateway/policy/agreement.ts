import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PolicyDefinitionError } from './errors.js';
import type { Vocabulary } from './vocabulary.js';

export type Effect = 'ALLOW' | 'MASK';
export const REQUIREMENTS = ['JUSTIFICATION'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** Who may receive a rule's categories, and for which purposes. */
export interface Grant {
  roles: ReadonlySet<string>;
  purposes: ReadonlySet<string>;
}

/** A permission of the information sharing agreement. */
export interface Rule {
  id: string;
  effect: Effect;
  categories: ReadonlySet<string>;
  grants: readonly Grant[];
  basis: readonly string[];
  gateway: readonly string[];
  requires: readonly Requirement[];
  breakGlass: boolean;
  explanation: string;
}

/** A prohibition: checked before any permission; `null` matches everything. */
export interface Prohibition {
  id: string;
  reason: string;
  roles: ReadonlySet<string> | null;
  purposes: ReadonlySet<string> | null;
  categories: ReadonlySet<string> | null;
  citation: readonly string[];
  remedy: string;
}

export interface Advice {
  roles: ReadonlySet<string> | null;
  purposes: ReadonlySet<string> | null;
  categories: ReadonlySet<string> | null;
  text: string;
}

export interface Agreement {
  version: string;
  rules: readonly Rule[];
  prohibitions: readonly Prohibition[];
  advice: readonly Advice[];
}

export const AGREEMENT_FILE = new URL('../../schema/agreement.yaml', import.meta.url);

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Reads schema/agreement.yaml and checks every identifier against the vocabulary. */
export function loadAgreement(vocabulary: Vocabulary, text: string = readFileSync(AGREEMENT_FILE, 'utf8')): Agreement {
  const raw = (parseYaml(text) ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const known = (kind: string, ids: string[], where: string, table: Map<string, unknown>): void => {
    for (const id of ids) if (!table.has(id)) problems.push(`${where}: unknown ${kind} "${id}" (not in schema/vocabulary.yaml)`);
  };
  const categoriesOf = (value: unknown, where: string): Set<string> => {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'allExcept' in value) {
      const except = list((value as { allExcept: unknown }).allExcept);
      known('category', except, where, vocabulary.categories);
      return new Set([...vocabulary.categories.keys()].filter((c) => !except.includes(c)));
    }
    const ids = list(value);
    known('category', ids, where, vocabulary.categories);
    return new Set(ids);
  };
  const optionalSet = (value: unknown, kind: string, where: string, table: Map<string, unknown>): Set<string> | null => {
    if (value === undefined) return null;
    const ids = list(value);
    known(kind, ids, where, table);
    return new Set(ids);
  };

  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const [i, r] of (Array.isArray(raw['rules']) ? raw['rules'] : []).entries()) {
    const where = `agreement rule ${r?.id ?? `#${i + 1}`}`;
    const id = String(r?.id ?? '');
    if (!id) problems.push(`${where}: has no id`);
    if (seen.has(id)) problems.push(`${where}: the id is used twice`);
    seen.add(id);
    const effect = r?.effect as Effect;
    if (effect !== 'ALLOW' && effect !== 'MASK') problems.push(`${where}: effect must be ALLOW or MASK, not "${r?.effect}"`);
    const categories = categoriesOf(r?.categories, where);
    if (categories.has('STATUTORY_BAR')) problems.push(`${where}: no rule can disclose STATUTORY_BAR data (GRA2004 s22; adoption records)`);
    const grants: Grant[] = [];
    for (const g of Array.isArray(r?.grants) ? r.grants : []) {
      const roles = list(g?.roles);
      const purposes = list(g?.purposes);
      known('role', roles, where, vocabulary.roles);
      known('purpose', purposes, where, vocabulary.purposes);
      grants.push({ roles: new Set(roles), purposes: new Set(purposes) });
    }
    if (grants.length === 0) problems.push(`${where}: grants no role anything`);
    const basis = list(r?.basis);
    const gateway = list(r?.gateway);
    if (basis.length === 0) problems.push(`${where}: names no lawful basis`);
    known('lawful basis', basis, where, vocabulary.lawfulBases);
    known('statutory gateway', gateway, where, vocabulary.gateways);
    const requires = list(r?.requires);
    for (const q of requires) if (!REQUIREMENTS.includes(q as Requirement)) problems.push(`${where}: unknown requirement "${q}" (known: ${REQUIREMENTS.join(', ')})`);
    rules.push({ id, effect, categories, grants, basis, gateway, requires: requires as Requirement[], breakGlass: r?.breakGlass === true, explanation: String(r?.explanation ?? '') });
  }

  const prohibitions: Prohibition[] = [];
  for (const [i, p] of (Array.isArray(raw['prohibitions']) ? raw['prohibitions'] : []).entries()) {
    const where = `agreement prohibition ${p?.id ?? `#${i + 1}`}`;
    const reason = String(p?.reason ?? '');
    if (!vocabulary.reasons.has(reason)) problems.push(`${where}: unknown reason "${reason}" (not in schema/vocabulary.yaml)`);
    prohibitions.push({
      id: String(p?.id ?? ''),
      reason,
      roles: optionalSet(p?.roles, 'role', where, vocabulary.roles),
      purposes: optionalSet(p?.purposes, 'purpose', where, vocabulary.purposes),
      categories: p?.categories === undefined ? null : categoriesOf(p.categories, where),
      citation: list(p?.citation),
      remedy: String(p?.remedy ?? ''),
    });
  }
  if (!prohibitions.some((p) => p.categories?.has('STATUTORY_BAR') && p.roles === null && p.purposes === null)) {
    problems.push('the agreement must prohibit STATUTORY_BAR for every role and purpose');
  }

  const advice: Advice[] = [];
  for (const a of Array.isArray(raw['advice']) ? raw['advice'] : []) {
    const where = 'agreement advice';
    advice.push({
      roles: optionalSet(a?.when?.roles, 'role', where, vocabulary.roles),
      purposes: optionalSet(a?.when?.purposes, 'purpose', where, vocabulary.purposes),
      categories: a?.when?.categories === undefined ? null : categoriesOf(a.when.categories, where),
      text: String(a?.text ?? ''),
    });
  }

  if (problems.length > 0) throw new PolicyDefinitionError(problems);
  return { version: String(raw['version'] ?? 'unversioned'), rules, prohibitions, advice };
}
