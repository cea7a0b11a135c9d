import { getNamedType, Kind, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';

/**
 * Resolvers that read only their parent's columns (and a to-one relation's `.id`), so that a
 * plain view of a row (db/sql.ts `plainView`) serves them as well as an entity. Presenters mark
 * them with `columnReader`; a read path may then skip hydrating entities when a query selects
 * nothing else (search results' groups and threads, a conversation's group).
 */
const marked = new WeakSet<object>();

export function columnReader<F extends (...args: never[]) => unknown>(resolver: F): F {
  marked.add(resolver);
  return resolver;
}

/** A field's resolver (undefined: the default, which reads a property) reads only columns. */
const readsColumnsOnly = (resolve: unknown): boolean => resolve === undefined || (typeof resolve === 'function' && marked.has(resolve));

const plainSelections = new WeakMap<FieldNode, boolean>();
/**
 * Whether the query selects only fields that read columns (default resolvers, or resolvers marked
 * as column readers) under this field: then a plain view of the row's columns answers it as well
 * as an entity would, without the ORM's hydration (about 50 µs an entity).
 */
export function selectsColumnsOnly(info: GraphQLResolveInfo): boolean {
  const node = info.fieldNodes[0];
  let plain = plainSelections.get(node);
  if (plain === undefined) {
    const fields = (getNamedType(info.returnType) as GraphQLObjectType).getFields();
    plain =
      info.fieldNodes.length === 1 &&
      (node.selectionSet?.selections ?? []).every(
        (s) => s.kind === Kind.FIELD && !s.directives?.length && (s.name.value === '__typename' || (fields[s.name.value] !== undefined && readsColumnsOnly(fields[s.name.value].resolve))),
      );
    plainSelections.set(node, plain);
  }
  return plain;
}
