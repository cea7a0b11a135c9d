/**
 * Finds SQL in source text, for tests/server/architecture.test.ts: SQL keywords in string or
 * template literals, `em.execute`, raw statements, knex, query builders, db/sql.ts's statement
 * functions, and the SQL fragments modules export (`*_COLUMNS`, `personJoin`, `mayReadSql`).
 */

/** Comments out: a doc comment may say "select" or name a function such as `em.execute`. */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** String and template literals (templates whole, `${…}` included). */
const literals = (source: string) => source.match(/`(?:\\[\s\S]|[^`\\])*`|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g) ?? [];

/** SQL as the code base writes it (lower case), or in upper case; prose ("Select a group from…") is neither. */
const SQL_TEXT = [
  /\bselect\b[\s\S]*\bfrom\b/,
  /\bupdate\s+\w+\s+set\b/,
  /\binsert\s+into\b/,
  /\bdelete\s+from\b/,
  /\bwith\s+\w+\s+as\s*\(/,
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /\bUPDATE\s+\w+\s+SET\b/,
  /\bINSERT\s+INTO\b/,
  /\bDELETE\s+FROM\b/,
  /\bWITH\s+\w+\s+AS\s*\(/,
];
const DATA_ACCESS = [
  [/\.execute\s*[<(]/, 'em.execute'],
  [/\.raw\s*\(/, 'raw SQL'],
  [/\bgetKnex\s*\(/, 'knex'],
  [/\bgetConnection\s*\(/, 'a connection'],
  [/\bcreateQueryBuilder\s*\(/, 'a query builder'],
  [/import\s*\{[^}]*\b(query|script|queryWithGenericPlan)\b[^}]*\}\s*from\s*'[^']*db\/sql\.js'/, 'db/sql.ts statements'],
  [/\b[A-Z_]+_COLUMNS\b|\bpersonJoin\b|\bmayReadSql\b/, 'a spliced SQL fragment'],
] as const;

/** What in one file's source is SQL or reaches the database past the stores. */
export function sqlFindings(source: string): string[] {
  const code = withoutComments(source);
  const found: string[] = [];
  for (const [pattern, what] of DATA_ACCESS) if (pattern.test(code)) found.push(what);
  for (const literal of literals(code)) if (SQL_TEXT.some((p) => p.test(literal))) found.push(`SQL text ${literal.slice(0, 60)}`);
  return found;
}
