import { createHash } from 'node:crypto';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Access, Decision } from './decide.js';
import type { Policy } from './Policy.js';

/** The entity whose key names the data subject of every field below it (recorded in receipts and the audit). */
export const SUBJECT_TYPE = 'Child';
export const SUBJECT_KEY = 'id';
/** Aliases the gateway adds to the operation it plans and strips from the response. */
export const SUBJECT_ALIAS = '_mash_subject';
export const TYPENAME_ALIAS = '_mash_type';

export type Mode = 'enforce' | 'dry-run';

/** A condition from @skip/@include: a literal, or a variable read per request. */
export interface Condition {
  include: boolean;
  value: boolean | string;
}

export interface ShapeField {
  responseKey: string;
  /** `Parent.field` as written in the operation. */
  coordinate: string;
  decision: Decision | null;
  conditions: Condition[];
  /** Runtime types this selection applies to (from enclosing fragments); null for all. */
  types: ReadonlySet<string> | null;
  /** What a masked value becomes: the placeholder for a single string, null otherwise. */
  maskValue: string | null;
  child: ShapeSet | null;
}

export interface ShapeSet {
  typeName: string;
  abstract: boolean;
  subject: boolean;
  fields: ShapeField[];
  /** Response keys in the order the operation asks for them, when a field here is restricted (to restore that order). */
  order: string[] | null;
}

/** Everything the gateway needs to run one operation for one access: what to plan and how to shape the answer. */
export interface OperationPlan {
  document: DocumentNode;
  source: string;
  /** Hash of the operation actually planned: the query-plan cache key, so it can never cross accesses. */
  queryHash: string;
  root: ShapeSet;
  /** Fields withheld or masked in this operation (before @skip/@include). */
  restricted: number;
}

export const MASK_PLACEHOLDER = 'RESTRICTED';

function conditionsOf(directives: readonly DirectiveNode[] | undefined): Condition[] {
  const out: Condition[] = [];
  for (const d of directives ?? []) {
    if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if')?.value as ValueNode | undefined;
    if (!arg) continue;
    const value = arg.kind === Kind.VARIABLE ? arg.name.value : arg.kind === Kind.BOOLEAN ? arg.value : true;
    out.push({ include: d.name.value === 'include', value });
  }
  return out;
}

export function conditionsHold(conditions: readonly Condition[], variables: Record<string, unknown> | undefined): boolean {
  for (const c of conditions) {
    const v = typeof c.value === 'boolean' ? c.value : Boolean(variables?.[c.value]);
    if (c.include ? !v : v) return false;
  }
  return true;
}

function maskValueFor(type: GraphQLOutputType): string | null {
  const inner = isNonNullType(type) ? type.ofType : type;
  return !isListType(inner) && getNamedType(inner).name === 'String' ? MASK_PLACEHOLDER : null;
}

/**
 * Plans one operation for one access. In enforce mode, every field the caller may not receive (withheld or
 * masked) is removed before the query planner sees the operation, so no agency is ever asked for it; the
 * shape tree says where to put `null` or the mask placeholder back. The subject key and `__typename` are added
 * where the gateway needs them to name data subjects and runtime types, and stripped from the answer.
 */
export function planOperation(policy: Policy, document: DocumentNode, operationName: string | null | undefined, access: Access, mode: Mode): OperationPlan {
  const schema = policy.schema;
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) operation ??= def;
  }
  if (!operation) throw new Error('planOperation: the operation is not in the document (Apollo Server validates this first)');
  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!rootType) throw new Error(`planOperation: the schema has no ${operation.operation} type`);

  let restricted = 0;
  const shape = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): ShapeSet => {
    const set: ShapeSet = { typeName: parent.name, abstract: isAbstractType(parent), subject: parent.name === SUBJECT_TYPE, fields: [], order: null };
    const collect = (sel: SelectionSetNode, within: GraphQLCompositeType, conditions: Condition[], types: ReadonlySet<string> | null, seen: Set<string>): void => {
      for (const node of sel.selections) collectOne(node, within, conditions, types, seen);
    };
    const narrow = (types: ReadonlySet<string> | null, typeName: string | undefined): ReadonlySet<string> | null => {
      if (!typeName) return types;
      const t = schema.getType(typeName);
      const possible = t && isAbstractType(t) ? schema.getPossibleTypes(t).map((x) => x.name) : [typeName];
      return new Set(types ? possible.filter((p) => types.has(p)) : possible);
    };
    const collectOne = (node: SelectionNode, within: GraphQLCompositeType, conditions: Condition[], types: ReadonlySet<string> | null, seen: Set<string>): void => {
      const here = [...conditions, ...conditionsOf(node.directives)];
      if (node.kind === Kind.FIELD) {
        const name = node.name.value;
        if (name.startsWith('__')) return;
        const fieldDef = 'getFields' in within ? within.getFields()[name] : undefined;
        if (!fieldDef) return;
        const decision = policy.decisionFor(within, name, access);
        if (decision && decision.effect !== 'ALLOW') restricted++;
        const named = getNamedType(fieldDef.type);
        const child = node.selectionSet && isCompositeType(named) && (!decision || decision.effect === 'ALLOW' || mode === 'dry-run') ? shape(node.selectionSet, named) : null;
        set.fields.push({ responseKey: node.alias?.value ?? name, coordinate: `${within.name}.${name}`, decision, conditions: here, types, maskValue: maskValueFor(fieldDef.type), child });
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        const cond = node.typeCondition ? (schema.getType(node.typeCondition.name.value) as GraphQLCompositeType) : within;
        collect(node.selectionSet, cond, here, narrow(types, node.typeCondition?.name.value), seen);
      } else {
        const frag = fragments.get(node.name.value);
        if (!frag || seen.has(frag.name.value)) return;
        const cond = schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType;
        collect(frag.selectionSet, cond, here, narrow(types, frag.typeCondition.name.value), new Set([...seen, frag.name.value]));
      }
    };
    collect(selectionSet, parent, [], null, new Set());
    if (set.fields.some((f) => f.decision && f.decision.effect !== 'ALLOW')) set.order = [...new Set(set.fields.map((f) => f.responseKey))];
    return set;
  };
  const root = shape(operation.selectionSet, rootType);

  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        if (mode !== 'enforce') return undefined;
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return undefined;
        const decision = policy.decisionFor(parent, node.name.value, access);
        // Withheld and masked fields alike are never fetched: a masked value is a placeholder, not a copy.
        return decision && decision.effect !== 'ALLOW' ? null : undefined;
      },
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const type = typeInfo.getType();
          const named = type ? getNamedType(type) : null;
          const extra: FieldNode[] = [];
          const parent = named ?? typeInfo.getParentType();
          if (parent && parent.name === SUBJECT_TYPE) extra.push(aliased(SUBJECT_ALIAS, SUBJECT_KEY));
          if (parent && isAbstractType(parent)) extra.push(aliased(TYPENAME_ALIAS, '__typename'));
          if (node.selections.length === 0 && extra.length === 0) extra.push(aliased(TYPENAME_ALIAS, '__typename'));
          return extra.length > 0 ? { ...node, selections: [...node.selections, ...extra] } : undefined;
        },
      },
    }),
  );
  const source = print(rewritten);
  return { document: rewritten, source, queryHash: createHash('sha256').update(source).digest('hex'), root, restricted };
}

function aliased(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}
