import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { unitId, userId } from '../../helpers/demo.js';
import { Client, signedIn, type GqlError } from '../../helpers/graphql.js';

const DIRECTORY = `query($f: DirectoryFilter, $first: Int, $after: String) {
  directory(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id realName title phone unit { name } } }
  }
}`;

let t: TestApp;
let li: Client;
beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
});
afterAll(() => t.close());

const names = (data: any) => data.directory.edges.map((e: any) => e.node.realName);

describe('the service-centre tree', () => {
  it('is public, rooted at the provincial centre, with 巴中 over three counties and a district', async () => {
    const { orgUnits } = await new Client(t.url).request(`{ orgUnits { id name level parent { name } memberCount } }`);
    expect(orgUnits[0]).toMatchObject({ name: '四川省政务服务中心', level: 'PROVINCE', parent: null, memberCount: null });
    const under = (parent: string) => orgUnits.filter((u: any) => u.parent?.name === parent).map((u: any) => u.name);
    expect(under('四川省政务服务中心').sort()).toEqual(['巴中市政务服务中心', '成都市政务服务中心'].sort());
    expect(under('巴中市政务服务中心').sort()).toEqual(['南江县政务服务中心', '巴州区政务服务中心', '平昌县政务服务中心', '通江县政务服务中心'].sort());
    expect(under('成都市政务服务中心')).toHaveLength(2);
    expect(orgUnits.filter((u: any) => u.level === 'COUNTY')).toHaveLength(6);
  });

  it('gives ancestors, children and member counts to signed-in officials', async () => {
    const bazhou = await unitId(t.orm, '巴州区政务服务中心');
    const { orgUnit } = await li.request(`query($id: ID!) { orgUnit(id: $id) { ancestors { name } children { name } memberCount subtreeMemberCount } }`, { id: bazhou });
    expect(orgUnit.ancestors.map((u: any) => u.name)).toEqual(['四川省政务服务中心', '巴中市政务服务中心']);
    expect(orgUnit.children).toEqual([]);
    expect(orgUnit.memberCount).toBe(4); // 宁志远, 徐明亮, 孙莉, 蔡雯
    const bazhong = await unitId(t.orm, '巴中市政务服务中心');
    const { orgUnit: city } = await li.request(`query($id: ID!) { orgUnit(id: $id) { memberCount subtreeMemberCount } }`, { id: bazhong });
    expect(city.memberCount).toBe(5);
    expect(city.subtreeMemberCount).toBe(5 + 4 + 3 + 3 + 3); // pending 何伟 is not counted
  });

  it('answers NOT_FOUND for unknown or malformed unit ids', async () => {
    expect(await li.errorCode(`{ orgUnit(id: "00000000-0000-4000-8000-000000000000") { name } }`)).toBe('NOT_FOUND');
    expect(await li.errorCode(`{ orgUnit(id: "1; drop table org_unit") { name } }`)).toBe('NOT_FOUND');
  });
});

describe('the directory', () => {
  it('lists the officials of one unit, or of its whole subtree', async () => {
    const bazhong = await unitId(t.orm, '巴中市政务服务中心');
    const own = await li.request(DIRECTORY, { f: { unitId: bazhong } });
    expect(names(own).sort()).toEqual(['吴晓东', '周丽', '李劲松', '程永', '黄伟'].sort());
    const subtree = await li.request(DIRECTORY, { f: { unitId: bazhong, includeSubunits: true }, first: 100 });
    expect(subtree.directory.totalCount).toBe(18);
    expect(names(subtree)).toContain('苟晓燕');
    expect(names(subtree)).not.toContain('陈静');
    expect(names(subtree)).not.toContain('何伟'); // pending applicants are not in the directory
  });

  it('finds people by name, title and unit name', async () => {
    expect(names(await li.request(DIRECTORY, { f: { query: '宁志远' } }))).toEqual(['宁志远']);
    expect(names(await li.request(DIRECTORY, { f: { query: '督查' } })).sort()).toEqual(['张凯峰', '朱红', '杨帆', '李劲松', '唐媛'].sort());
    const wuhou = await li.request(DIRECTORY, { f: { query: '武侯区' } });
    expect(names(wuhou).sort()).toEqual(['彭博', '袁浩', '谢梅'].sort());
    expect(names(await li.request(DIRECTORY, { f: { query: 'zhangkai' } }))).toEqual(['张凯峰']);
  });

  it('treats LIKE wildcards and quotes in the search as plain text', async () => {
    expect((await li.request(DIRECTORY, { f: { query: '%' } })).directory.totalCount).toBe(0);
    expect((await li.request(DIRECTORY, { f: { query: '_' } })).directory.totalCount).toBe(0);
    expect((await li.request(DIRECTORY, { f: { query: "' or '1'='1" } })).directory.totalCount).toBe(0);
  });

  it('pages through everyone in pinyin order without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page++) {
      const data: any = await li.request(DIRECTORY, { first: 7, after });
      total = data.directory.totalCount;
      seen.push(...names(data));
      if (!data.directory.pageInfo.hasNextPage) break;
      after = data.directory.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(total).toBe(36);
    expect(seen[0]).toBe('阿依古丽·买买提'); // a
    expect(seen.indexOf('蔡雯')).toBeLessThan(seen.indexOf('张凯峰')); // c < z
    expect(seen.indexOf('黄伟')).toBeLessThan(seen.indexOf('李劲松')); // h < l
  });

  it('caps the page size and refuses forged cursors', async () => {
    const tooMany = await li.errors(DIRECTORY, { first: 101 });
    expect(tooMany[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await li.errorCode(DIRECTORY, { first: 0 })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(DIRECTORY, { after: 'not-a-cursor' })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(DIRECTORY, { after: Buffer.from('["x","not-a-uuid"]').toString('base64url') })).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('refuses an overlong search', async () => {
    expect(await li.errorCode(DIRECTORY, { f: { query: '政'.repeat(51) } })).toBe('BAD_USER_INPUT');
  });
});

describe('profiles', () => {
  const PROFILE = `query($id: ID!) { user(id: $id) { realName title phone status unit { name } adminUnits { name } } }`;

  it('masks the phone for colleagues but shows it to the person and the admins of their unit', async () => {
    const id = await userId(t.orm, 'lijinsong');
    expect((await li.request(PROFILE, { id })).user).toMatchObject({ realName: '李劲松', phone: '13881612345', status: 'ACTIVE' });
    const colleague = await signedIn(t.url, 'gouxiaoyan');
    expect((await colleague.request(PROFILE, { id })).user).toMatchObject({ phone: '138****2345', status: null });
    const chengyong = await signedIn(t.url, 'chengyong');
    expect((await chengyong.request(PROFILE, { id })).user.phone).toBe('13881612345');
    const chenjing = await signedIn(t.url, 'chenjing'); // admin of 成都, not of 巴中
    expect((await chenjing.request(PROFILE, { id })).user.phone).toBe('138****2345');
  });

  it('shows roles: 张凯峰 administers the provincial centre', async () => {
    const { user } = await li.request(PROFILE, { id: await userId(t.orm, 'zhangkaifeng') });
    expect(user).toMatchObject({ realName: '张凯峰', title: '督查处处长', unit: { name: '四川省政务服务中心' }, adminUnits: [{ name: '四川省政务服务中心' }] });
  });

  it('answers the viewer (a person view) exactly as the same person by id (the entity), with every profile field the web client reads', async () => {
    const FIELDS = `id loginName realName title phone status statusReason applicationNote isSystemAdmin createdAt reviewedAt reviewedBy { id realName }
      unit { id name level parent { id } viewerCan { administer appointAdmin } ancestors { id name viewerCan { administer appointAdmin } } }
      adminUnits { id name level viewerCan { administer appointAdmin } } viewerCan { review updateProfile updateIdentity manageStatus manageRoles }
      presence { online } blockedByViewer`;
    for (const login of ['lijinsong', 'chengyong', 'zhangkaifeng', 'zhaomin']) {
      const person = await signedIn(t.url, login);
      const { viewer, user } = await person.request(`query($id: ID!) { viewer { ${FIELDS} } user(id: $id) { ${FIELDS} } }`, { id: person.userId });
      expect(viewer, login).toEqual(user);
      expect(viewer.realName, login).toEqual(expect.any(String));
    }
    const { viewer } = await (await signedIn(t.url, 'chengyong')).request(`{ viewer { adminUnits { name } unit { name } } }`);
    expect(viewer).toEqual({ adminUnits: [{ name: '巴中市政务服务中心' }], unit: { name: '巴中市政务服务中心' } });
    expect((await new Client(t.url).request(`{ viewer { id } }`)).viewer).toBeNull();
  });

  it('answers a pending applicant\'s id exactly like a missing id for an ordinary member', async () => {
    const pending = await li.errors(PROFILE, { id: await userId(t.orm, 'hewei') });
    const missing = await li.errors(PROFILE, { id: '00000000-0000-4000-8000-000000000000' });
    const malformed = await li.errors(PROFILE, { id: 'abc' });
    const strip = (errors: GqlError[]) => errors.map((e) => ({ message: e.message, extensions: e.extensions }));
    expect(strip(pending)).toEqual(strip(missing));
    expect(strip(malformed)).toEqual(strip(missing));
    expect(missing[0].extensions?.code).toBe('NOT_FOUND');
  });
});
