/**
 * Names keep their pinyin key where they are written (content/pinyin.ts personPinyinKey, set by
 * the services, not by an entity hook): the organisation import, creating and updating people,
 * and renaming a group; and signing in (which may rehash the password) leaves the key alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { sql } from '../../helpers/demo.js';

const NAMES = `query($q: String!) {
  directory(filter: { query: $q }, first: 20) { edges { node { realName } } }
  groups(query: $q, first: 20) { edges { node { id } } } }`;
const IMPORT = `mutation($f: String!, $c: String!, $d: Boolean!) { importOrganisation(fileName: $f, contentBase64: $c, dryRun: $d) { applied problems { line message } } }`;
const HEADER = '单位,上级单位,层级,姓名,登录名,职务,手机,邮箱,是否单位管理员';

let t: TestApp;
let li: Client & { userId: string };

const people = async (q: string) => ((await li.request(NAMES, { q })) as { directory: { edges: Array<{ node: { realName: string } }> } }).directory.edges.map((e) => e.node.realName);
const groups = async (q: string) => ((await li.request(NAMES, { q })) as { groups: { edges: Array<{ node: { id: string } }> } }).groups.edges.map((e) => e.node.id);

beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
});

afterAll(async () => {
  await t?.close();
});

describe('pinyin of names', () => {
  it('the organisation import writes the key of the people it creates and of those whose name or title it changes', async () => {
    expect(await people('duchachu')).toContain('张凯峰');
    const admin = await signedIn(t.url, 'zhaomin');
    const file = `${HEADER}\n四川省政务服务中心,,省级,张凯峰,zhangkaifeng,法规处处长,13908001234,,是\n四川省政务服务中心,,省级,欧阳明轩,ouyangmx,信息科科员,,,否\n`;
    const done = await admin.request(IMPORT, { f: '人员.csv', c: Buffer.from(file, 'utf8').toString('base64'), d: false });
    expect(done.importOrganisation).toEqual({ applied: true, problems: [] });

    expect(await people('faguichu')).toContain('张凯峰');
    expect(await people('duchachu')).not.toContain('张凯峰');
    expect(await people('oymx')).toContain('欧阳明轩');
    expect(await people('xinxike')).toContain('欧阳明轩');
  });

  it('a renamed group is found by the pinyin of its new name, not its old one', async () => {
    const zhang = await signedIn(t.url, 'zhangkaifeng');
    const input = (name: string) => ({ name, purpose: '专项协调', rules: '遵守保密守则', visibility: 'LISTED' });
    const { createGroup } = await zhang.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, { input: input('营商环境协作组') });
    expect(await groups('yingshanghuanjing')).toContain(createGroup.id);
    await zhang.request(`mutation($id: ID!, $input: GroupInput!) { updateGroup(groupId: $id, input: $input) { id } }`, { id: createGroup.id, input: input('综合执法协作组') });
    expect(await groups('zonghezhifa')).toContain(createGroup.id);
    expect(await groups('yingshanghuanjing')).not.toContain(createGroup.id);
  });

  it('a title changed on the profile is found by its pinyin', async () => {
    await li.request(`mutation($id: ID!, $i: UpdateProfileInput!) { updateProfile(userId: $id, input: $i) { id } }`, { id: li.userId, i: { title: '审计科科长' } });
    expect(await people('shenjike')).toContain((await sql<{ real_name: string }>(t.orm, `select real_name from app_user where id = ?`, [li.userId]))[0].real_name);
  });
});
