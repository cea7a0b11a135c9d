import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The one way the stores write SQL: a tagged template, `sql\`select … where id = ${id}\``.
 * Values are never part of the text: each becomes a placeholder for the runner that executes
 * the statement. A `Statement` among the values (a fragment, such as a policy's row filter) is
 * composed in place with its own values, so fragments are statements too, never strings.
 *
 * Runners:
 * - `rows(em, statement)`: through the ORM (`em.execute`), inside the caller's transaction when
 *   there is one. MikroORM inlines the values with the platform's quoting; an array value becomes
 *   a list, so write `in (${ids})`.
 * - `db/sql.ts` `query(em, name, statement)`: a named prepared statement on the ORM's pool with
 *   numbered bind parameters ($1…), for the hot paths. An array value is bound as one array, so
 *   write `= any(${ids}::uuid[])`.
 */
export class Statement {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** The text with `?` placeholders (MikroORM's `em.execute`, knex). */
  get text(): string {
    return this.parts.join('?');
  }

  /** The text with PostgreSQL's numbered placeholders ($1, $2…) for a bind-parameter statement. */
  get numbered(): string {
    return this.parts.reduce((text, part, i) => `${text}$${i}${part}`);
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Statement {
  const parts = [strings[0]];
  const flat: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Statement) {
      parts[parts.length - 1] += value.parts[0];
      parts.push(...value.parts.slice(1));
      flat.push(...value.values);
    } else {
      flat.push(value);
      parts.push('');
    }
    parts[parts.length - 1] += strings[i + 1];
  });
  return new Statement(parts, flat);
}

/** Fixed SQL text chosen by code, never by input (a column list, a sort direction). */
export const sqlText = (text: string): Statement => new Statement([text], []);

/** Statements joined by a separator (`, ` for lists, ` and ` for conditions). */
export function joinSql(statements: readonly Statement[], separator: string): Statement {
  return statements.reduce((joined, next, i) => (i === 0 ? next : sql`${joined}${sqlText(separator)}${next}`), sqlText(''));
}

/** Runs a statement through the ORM's connection (the transaction's, inside one) and returns its rows. */
export function rows<R>(em: EntityManager, statement: Statement): Promise<R[]> {
  return em.execute<R[]>(statement.text, [...statement.values]);
}
