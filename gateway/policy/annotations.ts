import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type DocumentNode } from 'graphql';

/** The spec URL prefix; any v1.x is read the same way. */
export const DISCLOSURE_SPEC = 'https://specs.mash-gateway.example/disclosure/v1.';

export interface Classification {
  category: string;
  labels: string[];
}

export interface Narrowing {
  rule: string;
  roles?: string[];
  purposes?: string[];
  effect?: string;
  basis?: string[];
  gateway?: string[];
  note?: string;
}

export interface Annotated {
  classify: Classification[];
  disclose: Narrowing[];
}

/** The disclosure directives found in one SDL (a subgraph's or the supergraph), by type and by field coordinate. */
export interface Annotations {
  types: Map<string, Annotated>;
  fields: Map<string, Annotated>;
}

/** The names the directives go by in this document, following its `@link(import:)` (including `as` renames). */
function directiveNames(document: DocumentNode): { classify: string; disclose: string } {
  const names = { classify: 'disclosure__classify', disclose: 'disclosure__disclose' };
  for (const def of document.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const d of def.directives ?? []) {
      if (d.name.value !== 'link') continue;
      const args = Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      if (typeof args['url'] !== 'string' || !args['url'].startsWith(DISCLOSURE_SPEC)) continue;
      const prefix = typeof args['as'] === 'string' ? args['as'] : 'disclosure';
      names.classify = `${prefix}__classify`;
      names.disclose = `${prefix}__disclose`;
      for (const item of (args['import'] as unknown[]) ?? []) {
        const [name, as] = typeof item === 'string' ? [item, item] : [String((item as { name: string }).name), String((item as { as?: string }).as ?? (item as { name: string }).name)];
        if (name === '@classify') names.classify = as.replace(/^@/, '');
        if (name === '@disclose') names.disclose = as.replace(/^@/, '');
      }
    }
  }
  return names;
}

function read(directives: readonly ConstDirectiveNode[] | undefined, names: { classify: string; disclose: string }): Annotated {
  const out: Annotated = { classify: [], disclose: [] };
  for (const d of directives ?? []) {
    const args = Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)])) as Record<string, unknown>;
    if (d.name.value === names.classify) {
      out.classify.push({ category: String(args['category']), labels: Array.isArray(args['labels']) ? args['labels'].map(String) : [] });
    } else if (d.name.value === names.disclose) {
      const n: Narrowing = { rule: String(args['rule']) };
      for (const key of ['roles', 'purposes', 'basis', 'gateway'] as const) if (Array.isArray(args[key])) n[key] = (args[key] as unknown[]).map(String);
      if (typeof args['effect'] === 'string') n.effect = args['effect'];
      if (typeof args['note'] === 'string') n.note = args['note'];
      out.disclose.push(n);
    }
  }
  return out;
}

function merge(into: Map<string, Annotated>, key: string, value: Annotated): void {
  if (value.classify.length === 0 && value.disclose.length === 0) return;
  const existing = into.get(key);
  if (existing) {
    existing.classify.push(...value.classify);
    existing.disclose.push(...value.disclose);
  } else into.set(key, value);
}

/** Reads every @classify and @disclose application in an SDL (type definitions and extensions alike). */
export function readAnnotations(sdl: string | DocumentNode): Annotations {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const names = directiveNames(document);
  const annotations: Annotations = { types: new Map(), fields: new Map() };
  for (const def of document.definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) continue;
    const type = def.name.value;
    merge(annotations.types, type, read(def.directives, names));
    for (const field of def.fields ?? []) merge(annotations.fields, `${type}.${field.name.value}`, read(field.directives, names));
  }
  return annotations;
}
