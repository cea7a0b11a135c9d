/**
 * The library's tools over the real API (issue 16): same-named uploads (refused with the
 * existing document's id, kept as a new version or a numbered new file, never a silent second
 * document, also when two race), documentNamed, folder rename and delete (empty only, creator or
 * a group admin, audited), and the upload limit in GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../server/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { upload } from '../../helpers/files.js';
import { Client, signedIn } from '../../helpers/graphql.js';

const LIMIT = 2 * 1024 * 1024;

let t: TestApp;
let li: Client & { userId: string };
let gou: Client & { userId: string };
let ning: Client & { userId: string };
const token: Record<string, string> = {};
let groupId: string;

const NAMES = `query($g: ID!, $f: ID) { group(id: $g) { documents(folderId: $f, first: 50) { edges { node { id name latestVersion { version } } } } } }`;
const names = async (folderId: string | null = null) =>
  ((await li.request<{ group: { documents: { edges: Array<{ node: { name: string; latestVersion: { version: number } } }> } } }>(NAMES, { g: groupId, f: folderId })).group.documents.edges.map((e) => `${e.node.name} v${e.node.latestVersion.version}`)).sort();
const txt = (s: string) => Buffer.from(s);

beforeAll(async () => {
  t = await startTestApp({ storage: { maxUploadBytes: LIMIT } as Config['storage'] });
  [li, gou, ning] = await Promise.all(['lijinsong', 'gouxiaoyan', 'ningzhiyuan'].map((l) => signedIn(t.url, l)));
  for (const [client, login] of [[li, 'lijinsong'], [gou, 'gouxiaoyan'], [ning, 'ningzhiyuan']] as const) token[login] = (await client.login(login)).token;
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t?.close());

describe('same-named uploads', () => {
  it('refuses a second 会议议程.txt with the existing document, keeps it as a new version or a numbered file on request', async () => {
    const first = await upload(t.url, { token: token.gouxiaoyan }, { groupId }, '会议议程.txt', txt('一、开场'));
    expect(first.status).toBe(201);

    const again = await upload(t.url, { token: token.gouxiaoyan }, { groupId }, '会议议程.TXT', txt('二、交流'));
    expect(again.status).toBe(409);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'nameTaken', documentId: first.data!.documentId });
    expect(again.errors?.[0].message).toContain('此处已有名为“会议议程.TXT”的文件');

    const found = await gou.request<{ group: { documentNamed: { id: string; viewerCan: { addVersion: boolean } } | null } }>(
      `query($g: ID!, $n: String!) { group(id: $g) { documentNamed(name: $n) { id viewerCan { addVersion } } } }`,
      { g: groupId, n: '会议议程.txt' },
    );
    expect(found.group.documentNamed).toEqual({ id: first.data!.documentId, viewerCan: { addVersion: true } });

    const version = await upload(t.url, { token: token.gouxiaoyan }, { groupId, documentId: first.data!.documentId }, '会议议程.txt', txt('二、交流'));
    expect(version.data).toMatchObject({ documentId: first.data!.documentId, version: 2 });
    const copy = await upload(t.url, { token: token.gouxiaoyan }, { groupId, ifNameTaken: 'rename' }, '会议议程.txt', txt('另一份'));
    expect(copy.data).toMatchObject({ name: '会议议程(2).txt', version: 1 });
    const third = await upload(t.url, { token: token.lijinsong }, { groupId, ifNameTaken: 'rename' }, '会议议程.txt', txt('第三份'));
    expect(third.data?.name).toBe('会议议程(3).txt');
    expect(await names()).toEqual(['会议议程(2).txt v1', '会议议程(3).txt v1', '会议议程.txt v2']);

    // A version may not take another document's name; a bad choice is refused.
    const clash = await upload(t.url, { token: token.gouxiaoyan }, { groupId, documentId: copy.data!.documentId }, '会议议程.txt', txt('改名'));
    expect(clash.status).toBe(409);
    expect((await upload(t.url, { token: token.gouxiaoyan }, { groupId, ifNameTaken: 'overwrite' }, '新.txt', txt('x'))).status).toBe(400);
  });

  it('two uploads of one new name at once: one document, the other refused', async () => {
    const results = await Promise.all([1, 2, 3].map((n) => upload(t.url, { token: token.gouxiaoyan }, { groupId }, '并发议程.txt', txt(`第 ${n} 份`))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await names()).filter((n) => n.startsWith('并发议程'))).toEqual(['并发议程.txt v1']);
  });

  it('a move into a folder holding that name is refused', async () => {
    const { createDocumentFolder: folder } = await li.request<{ createDocumentFolder: { id: string } }>(`mutation($g: ID!) { createDocumentFolder(groupId: $g, name: "同名测试") { id } }`, { g: groupId });
    const inside = await upload(t.url, { token: token.lijinsong }, { groupId, folderId: folder.id }, '通知.txt', txt('里面'));
    const outside = await upload(t.url, { token: token.lijinsong }, { groupId }, '通知.txt', txt('外面'));
    expect([inside.status, outside.status]).toEqual([201, 201]);
    const errors = await li.errors(`mutation($d: ID!, $f: ID) { moveDocument(documentId: $d, folderId: $f) { id } }`, { d: outside.data!.documentId, f: folder.id });
    expect(errors[0]).toMatchObject({ message: '目标文件夹中已有名为“通知.txt”的文件', extensions: { code: 'CONFLICT' } });
  });
});

describe('folders', () => {
  const CREATE = `mutation($g: ID!, $n: String!, $p: ID) { createDocumentFolder(groupId: $g, name: $n, parentId: $p) { id name viewerCan { rename delete } } }`;
  const RENAME = `mutation($f: ID!, $n: String!) { renameDocumentFolder(folderId: $f, name: $n) { id name } }`;
  const DELETE = `mutation($f: ID!) { deleteDocumentFolder(folderId: $f) { id name } }`;

  it('are renamed and deleted by their creator or a group admin, only when empty, and audited', async () => {
    const { createDocumentFolder: mine } = await gou.request<{ createDocumentFolder: { id: string; viewerCan: { rename: boolean; delete: boolean } } }>(CREATE, { g: groupId, n: '县级资料' });
    expect(mine.viewerCan).toEqual({ rename: true, delete: true });
    const { createDocumentFolder: other } = await gou.request<{ createDocumentFolder: { id: string } }>(CREATE, { g: groupId, n: '市级资料' });

    // 宁志远, a plain member, may neither; 李劲松, the owner, may.
    const seen = await ning.request<{ group: { documentFolders: Array<{ id: string; viewerCan: { rename: boolean; delete: boolean } }> } }>(`query($g: ID!) { group(id: $g) { documentFolders { id viewerCan { rename delete } } } }`, { g: groupId });
    expect(seen.group.documentFolders.find((f) => f.id === mine.id)?.viewerCan).toEqual({ rename: false, delete: false });
    expect(await ning.errorCode(RENAME, { f: mine.id, n: '改名' })).toBe('FORBIDDEN');
    expect(await ning.errorCode(DELETE, { f: mine.id })).toBe('FORBIDDEN');

    expect((await gou.request<{ renameDocumentFolder: { name: string } }>(RENAME, { f: mine.id, n: '县区资料' })).renameDocumentFolder.name).toBe('县区资料');
    expect((await gou.errors(RENAME, { f: mine.id, n: '市级资料' }))[0]).toMatchObject({ message: '已有同名文件夹', extensions: { code: 'CONFLICT', field: 'name' } });
    expect(await gou.errorCode(RENAME, { f: mine.id, n: 'a/b' })).toBe('BAD_USER_INPUT');

    // Not empty: a file, then a subfolder, each refused with what is left.
    const file = await upload(t.url, { token: token.gouxiaoyan }, { groupId, folderId: mine.id }, '清单.txt', txt('清单'));
    expect((await li.errors(DELETE, { f: mine.id }))[0]).toMatchObject({ message: '文件夹“县区资料”里还有 1 个文件，请先移走或删除', extensions: { code: 'CONFLICT' } });
    await li.request(`mutation($d: ID!) { deleteDocument(documentId: $d) { id } }`, { d: file.data!.documentId });
    const { createDocumentFolder: sub } = await gou.request<{ createDocumentFolder: { id: string } }>(CREATE, { g: groupId, n: '通江县', p: mine.id });
    expect((await li.errors(DELETE, { f: mine.id }))[0].message).toBe('文件夹“县区资料”里还有 1 个子文件夹，请先移走或删除');

    await li.request(DELETE, { f: sub.id });
    expect((await li.request<{ deleteDocumentFolder: { name: string } }>(DELETE, { f: mine.id })).deleteDocumentFolder.name).toBe('县区资料');
    expect(await li.errorCode(DELETE, { f: mine.id })).toBe('NOT_FOUND');
    // The deleted file that was inside still downloads from its record; the folder is gone.
    const [{ folder_id }] = await sql<{ folder_id: string | null }>(t.orm, `select folder_id from document where id = '${file.data!.documentId}'`);
    expect(folder_id).toBeNull();
    expect(await gou.request(DELETE, { f: other.id })).toBeTruthy();

    const audited = await sql<{ action: string }>(t.orm, `select action from audit_log where action in ('document.folder_renamed', 'document.folder_deleted') order by id`);
    expect(audited.map((a) => a.action)).toEqual(['document.folder_renamed', 'document.folder_deleted', 'document.folder_deleted', 'document.folder_deleted']);
  });

  it('of another group, or unknown, answer NOT_FOUND', async () => {
    const outsider = await signedIn(t.url, 'yuanhao');
    const { createDocumentFolder: f } = await li.request<{ createDocumentFolder: { id: string } }>(CREATE, { g: groupId, n: '外人看不到' });
    expect(await outsider.errorCode(RENAME, { f: f.id, n: 'x' })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(DELETE, { f: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
  });
});

describe('the upload limit', () => {
  it('is in GraphQL for signed-in people, and the server still refuses a larger file', async () => {
    expect(await gou.request(`{ uploadLimits { maxFileBytes } }`)).toEqual({ uploadLimits: { maxFileBytes: LIMIT } });
    expect(await new Client(t.url).errorCode(`{ uploadLimits { maxFileBytes } }`)).toBe('UNAUTHENTICATED');
    const big = await upload(t.url, { token: token.gouxiaoyan }, { groupId }, '大文件.txt', Buffer.alloc(LIMIT + 1, 0x61));
    expect(big.status).toBe(413);
    expect(big.errors?.[0].message).toBe('文件超过 2 MB 的上限');
  });
});
