import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { freshOrm } from '../../helpers/app.js';

/** Migration20261207010000OrgImport goes down and up again cleanly. */
let orm: MikroORM;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ orm, close } = await freshOrm());
});
afterAll(() => close());

async function columns(): Promise<string[]> {
  const found: Array<{ column_name: string }> = await orm.em
    .fork()
    .getConnection()
    .execute(`select column_name from information_schema.columns where table_name = 'app_user' and column_name in ('must_change_password', 'email') order by 1`);
  return found.map((r) => r.column_name);
}

describe('Migration20261207010000OrgImport', () => {
  it('down removes the columns it added; up restores them', async () => {
    expect(await columns()).toEqual(['email', 'must_change_password']);
    await orm.getMigrator().down({ migrations: ['Migration20261207010000OrgImport'] });
    expect(await columns()).toEqual([]);
    await orm.getMigrator().up({ migrations: ['Migration20261207010000OrgImport'] });
    expect(await columns()).toEqual(['email', 'must_change_password']);
  });
});
