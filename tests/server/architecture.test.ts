import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlFindings } from '../helpers/sqlText.js';

/**
 * Issue 15: resolvers, presenters, loaders and the realtime hub hold no SQL. They call the
 * modules' store files (server/modules/<area>/store.ts or store/), which return plain rows or read
 * models; within server/modules/ nothing else holds SQL.
 * Module folders depend downward: no folder imports one that imports it back, however far round.
 */

const root = join(import.meta.dirname, '../..');
const LAYERS = ['server/graphql', 'server/realtime'];
const MODULES = join(root, 'server/modules');

/** Which module folders each module folder imports (type-only imports count: they are dependencies too). */
function moduleImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const folder of readdirSync(MODULES).filter((name) => statSync(join(MODULES, name)).isDirectory())) {
    const uses = new Set<string>();
    for (const file of tsFiles(join(MODULES, folder))) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const other = relative(MODULES, join(file, '..', target)).split('/')[0];
        if (other !== folder && !other.startsWith('..') && !other.endsWith('.js')) uses.add(other);
      }
    }
    graph.set(folder, uses);
  }
  return graph;
}

/** The import cycles among module folders (strongly connected components of more than one folder). */
function moduleCycles(graph: Map<string, Set<string>>): string[][] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    [...(graph.get(from) ?? [])].some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
  const cycles: string[][] = [];
  for (const folder of [...graph.keys()].sort()) {
    if (cycles.some((c) => c.includes(folder))) continue;
    const cycle = [...graph.keys()].filter((other) => other === folder || (reaches(folder, other) && reaches(other, folder))).sort();
    if (cycle.length > 1) cycles.push(cycle);
  }
  return cycles;
}

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

  it('server/modules holds SQL only in its store files (store.ts or store/)', () => {
    const offenders = tsFiles(MODULES)
      .filter((file) => !/\/store(\.ts$|\/)/.test(file))
      .map((file) => ({ file: relative(root, file), found: sqlFindings(readFileSync(file, 'utf8')) }))
      .filter((f) => f.found.length);
    expect(offenders).toEqual([]);
  });

  it('server/backup (whole-database backup and restore) holds SQL only in its store.ts', () => {
    const offenders = tsFiles(join(root, 'server/backup'))
      .filter((file) => !file.endsWith('/store.ts'))
      .map((file) => ({ file: relative(root, file), found: sqlFindings(readFileSync(file, 'utf8')) }))
      .filter((f) => f.found.length);
    expect(offenders).toEqual([]);
  });

  it('finds folder-level import cycles (the check itself)', () => {
    const graph = new Map([['chat', new Set(['groups', 'forum'])], ['forum', new Set(['groups', 'documents'])], ['documents', new Set(['chat'])], ['groups', new Set<string>()]]);
    expect(moduleCycles(graph)).toEqual([['chat', 'documents', 'forum']]);
    expect(moduleCycles(new Map([['chat', new Set(['groups'])], ['groups', new Set<string>()]]))).toEqual([]);
  });

  it('module folders import each other without cycles, and the shared core imports no feature', () => {
    const graph = moduleImports();
    expect(graph.get('chat')).toContain('groups');
    expect(moduleCycles(graph)).toEqual([]);
    const FEATURES = ['chat', 'forum', 'documents', 'meetings', 'moderation', 'confidentiality', 'search'];
    for (const shared of ['core', 'content', 'notifications', 'groups', 'accounts']) expect([...graph.get(shared)!].filter((m) => FEATURES.includes(m))).toEqual([]);
  });

  it('archives sit on top: they read the other modules, and no module imports them', () => {
    const graph = moduleImports();
    expect(graph.get('archives')).toContain('scheduler');
    expect([...graph].filter(([, uses]) => uses.has('archives')).map(([folder]) => folder)).toEqual([]);
  });

  it('entities are data only: server/db/entities imports nothing from server/modules (names, pinyin and the like are the services\' work)', () => {
    const entities = join(root, 'server/db/entities');
    const imports = tsFiles(entities).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map(([, target]) => relative(root, join(file, '..', target))),
    );
    expect(imports.filter((target) => target.startsWith('server/modules/'))).toEqual([]);
  });
});
