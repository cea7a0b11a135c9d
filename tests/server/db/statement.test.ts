import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinSql, rows, sql, sqlText } from '../../../server/db/statement.js';
import { query, script } from '../../../server/db/sql.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

describe('sql statements (the stores\' one style)', () => {
  it('keeps values out of the text, for both placeholder styles, and composes fragments with their values', () => {
    const level = sql`confidentiality = ${'internal'}`;
    const statement = sql`select id from message where conversation_id = ${'c1'} and ${level} and seq > ${3}`;
    expect(statement.text).toBe('select id from message where conversation_id = ? and confidentiality = ? and seq > ?');
    expect(statement.numbered).toBe('select id from message where conversation_id = $1 and confidentiality = $2 and seq > $3');
    expect(statement.values).toEqual(['c1', 'internal', 3]);
    const conditions = joinSql([sql`a = ${1}`, sql`b = ${2}`, sqlText('c is null')], ' and ');
    expect(sql`select 1 where ${conditions}`.numbered).toBe('select 1 where a = $1 and b = $2 and c is null');
    expect(sql`select 1 where ${conditions}`.values).toEqual([1, 2]);
    expect(joinSql([], ', ').text).toBe('');
  });

  describe('against PostgreSQL', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(() => app?.close());

    it('runs through the ORM and as a prepared statement with the same answers, and never splices a value', async () => {
      const em = app.orm.em.fork();
      const hostile = "x'); drop table app_user; --";
      const ids = ['a', 'b', hostile];
      expect(await rows<{ v: string }>(em, sql`select v from unnest(array['a', 'c', ${hostile}]) v where v in (${ids}) order by v`)).toEqual([{ v: 'a' }, { v: hostile }]);
      expect(await query<{ v: string }>(em, 'statement_test_any', sql`select v from unnest(array['a', 'c', ${hostile}]) v where v = any(${ids}::text[]) order by v`)).toEqual([{ v: 'a' }, { v: hostile }]);
      expect(await script(em, [sql`select ${hostile}::text as v`, sql`select ${2}::int as n`])).toEqual([[{ v: hostile }], [{ n: 2 }]]);
      await em.transactional(async (tem) => {
        await rows(tem, sql`create temporary table statement_probe (v text) on commit drop`);
        await rows(tem, sql`insert into statement_probe values (${hostile})`);
        expect(await rows(tem, sql`select v from statement_probe`)).toEqual([{ v: hostile }]);
      });
    });
  });
});
