/**
 * Resolvers that read only their parent's columns (and a to-one relation's `.id`), so that a
 * plain view of a row (db/sql.ts `plainView`) serves them as well as an entity. Presenters mark
 * them with `columnReader`; a read path may then skip hydrating entities when a query selects
 * nothing else (search results' groups and threads).
 */
const marked = new WeakSet<object>();

export function columnReader<F extends (...args: never[]) => unknown>(resolver: F): F {
  marked.add(resolver);
  return resolver;
}

/** A field's resolver (undefined: the default, which reads a property) reads only columns. */
export const readsColumnsOnly = (resolve: unknown): boolean => resolve === undefined || (typeof resolve === 'function' && marked.has(resolve));
