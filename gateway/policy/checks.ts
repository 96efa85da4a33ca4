import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';
import type { Annotations } from './annotations.js';
import type { Policy } from './Policy.js';

/**
 * Fields that hold no personal data by construction: entity keys (the consistent child identifier is what
 * every agency joins on; the gateway also needs it to name the data subject in the audit) and `__typename`.
 */
export const KEY_FIELDS: ReadonlySet<string> = new Set(['Child.id']);

/**
 * Root fields of the governance subgraph: they return the audit log's records of disclosures (who saw which
 * coordinates, when and why), not case data, and are restricted by role to IG_OVERSIGHT and audited where they
 * are served (gateway/governance), so they are outside the classification check.
 */
export const GOVERNANCE_ROOT_FIELDS: ReadonlySet<string> = new Set(['Query.disclosures', 'Query.subjectAccessReport', 'Query.breakGlassEvents', 'Mutation.reviewBreakGlass']);

/**
 * The checks `npm run compose` and the gateway run on a composed supergraph: every identifier is in the
 * vocabulary; every classified field is nullable (so withholding it never nulls its parent); and every leaf
 * field reachable from the root is behind a classification (its own, its type's, or an enclosing field's).
 */
export function checkPolicy(policy: Policy): string[] {
  const problems = [...policy.problems];
  const { schema, annotations, vocabulary } = policy;

  for (const [where, annotated] of [...annotations.types.entries(), ...annotations.fields.entries()]) {
    for (const c of annotated.classify) if (!vocabulary.categories.has(c.category)) problems.push(`${where}: unknown category "${c.category}" (not in schema/vocabulary.yaml)`);
    for (const n of annotated.disclose) {
      for (const r of n.roles ?? []) if (!vocabulary.roles.has(r)) problems.push(`${where}: @disclose names unknown role "${r}"`);
      for (const p of n.purposes ?? []) if (!vocabulary.purposes.has(p)) problems.push(`${where}: @disclose names unknown purpose "${p}"`);
    }
  }

  for (const [coordinate] of annotations.fields) {
    const type = schema.getType(coordinate.split('.')[0] as string);
    if (type && isInterfaceType(type)) {
      problems.push(`${coordinate}: classify the fields of the implementing types, not the interface (the strictest of them applies to the interface)`);
    }
  }
  // Every classified coordinate, by its own @classify or its type's.
  for (const coordinate of policy.fields.keys()) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = type && isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (field && isNonNullType(field.type)) problems.push(`${coordinate}: a classified field must be nullable, so that withholding it does not null its parent`);
  }

  problems.push(...uncovered(schema, policy));
  return [...new Set(problems)];
}

/** Leaf fields reachable from the root with no classification on the way: personal data nobody classified. */
function uncovered(schema: GraphQLSchema, policy: Policy): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (type: GraphQLCompositeType, covered: boolean): void => {
    const key = `${type.name}|${covered}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (isAbstractType(type)) {
      for (const t of schema.getPossibleTypes(type)) visit(t, covered);
      return;
    }
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (GOVERNANCE_ROOT_FIELDS.has(coordinate)) continue;
      const gated = covered || policy.fields.has(coordinate);
      const named = getNamedType(field.type);
      if (isLeafType(named)) {
        if (!gated && !KEY_FIELDS.has(coordinate) && !field.name.startsWith('__')) {
          problems.push(`${coordinate}: holds data but is not classified (add @classify to it, to its type, or to every field that leads to it)`);
        }
      } else {
        visit(named as GraphQLCompositeType, gated);
      }
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) if (root) visit(root, false);
  return problems;
}

/**
 * Two subgraphs that annotate one coordinate differently. Composition keeps every distinct application of a
 * repeatable directive, so without this check the stricter or the looser one could win silently.
 */
export function checkSubgraphConflicts(subgraphs: Array<{ name: string; annotations: Annotations }>): string[] {
  const problems: string[] = [];
  const byCoordinate = new Map<string, Array<{ subgraph: string; signature: string }>>();
  for (const { name, annotations } of subgraphs) {
    for (const [where, annotated] of [...[...annotations.types].map(([k, v]) => [`type ${k}`, v] as const), ...annotations.fields]) {
      const classify = annotated.classify.map((c) => `${c.category}[${c.labels.join(',')}]`).sort();
      if (new Set(annotated.classify.map((c) => c.category)).size > 1) problems.push(`${where} in ${name}: classified with two different categories (${classify.join(' and ')})`);
      const rules = annotated.disclose.map((d) => d.rule);
      const dup = rules.find((r, i) => rules.indexOf(r) !== i);
      if (dup) problems.push(`${where} in ${name}: @disclose(rule: "${dup}") applied twice; narrow a rule once per field`);
      const signature = JSON.stringify({ classify, disclose: annotated.disclose.map((d) => JSON.stringify(d)).sort() });
      const list = byCoordinate.get(where) ?? [];
      list.push({ subgraph: name, signature });
      byCoordinate.set(where, list);
    }
  }
  for (const [where, list] of byCoordinate) {
    const first = list[0];
    if (!first) continue;
    for (const other of list.slice(1)) {
      if (other.signature !== first.signature) {
        problems.push(`${where}: ${first.subgraph} and ${other.subgraph} annotate it differently (${first.signature} vs ${other.signature}); one coordinate has one classification`);
      }
    }
  }
  return problems;
}
