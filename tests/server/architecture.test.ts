import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlFindings } from '../helpers/sqlText.js';

/**
 * Issue 15: resolvers, presenters, loaders and the realtime hub hold no SQL. They call the
 * modules' store files (server/modules/<area>/store.ts), which return plain rows or read models.
 */

const root = join(import.meta.dirname, '../..');
const LAYERS = ['server/graphql', 'server/realtime'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture', () => {
  it('finds SQL text, em.execute, raw statements and spliced fragments (the check itself)', () => {
    expect(sqlFindings("await em.execute(`update app_user set last_seen_at = ? where id in (?)`, [at, ids]);")).toEqual(['em.execute', 'SQL text `update app_user set last_seen_at = ? where id in (?)`']);
    expect(sqlFindings("const rows = await query(em, 'n', `select ${MESSAGE_ROW_COLUMNS} from message m`, [ids]);")).toEqual(['a spliced SQL fragment', 'SQL text `select ${MESSAGE_ROW_COLUMNS} from message m`']);
    expect(sqlFindings("import { managed, query } from '../../db/sql.js';")).toEqual(['db/sql.ts statements']);
    expect(sqlFindings("const q = 'delete from session where id = ?';")).toHaveLength(1);
    expect(sqlFindings('const q = "SELECT id FROM thread";')).toHaveLength(1);
    expect(sqlFindings("knex.raw('now()')")).toEqual(['raw SQL']);
    // Not SQL: prose, graphql-js execute, row-to-object helpers.
    expect(sqlFindings("/** Serves subscriptions whose documents select only fields from the event. */\nconst result = execute({ schema });\nimport { hydrate, plainView } from '../../db/sql.js';\nconst m = 'Select a group from the list';")).toEqual([]);
  });

  it('server/graphql and server/realtime hold no SQL (it lives in server/modules/*/store.ts)', () => {
    const offenders = LAYERS.flatMap((layer) => tsFiles(join(root, layer)))
      .map((file) => ({ file: relative(root, file), found: sqlFindings(readFileSync(file, 'utf8')) }))
      .filter((f) => f.found.length);
    expect(offenders).toEqual([]);
  });
});
