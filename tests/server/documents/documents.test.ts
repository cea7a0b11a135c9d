import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { s3Objects, startS3, type S3Server } from '../../helpers/s3.js';

const LIBRARY = `query($g: ID!, $f: ID, $s: DocumentSort, $first: Int, $after: String) { group(id: $g) {
  documents(folderId: $f, sort: $s, first: $first, after: $after) { edges { node { id name size mime downloadCount uploader { realName } latestVersion { id version sha256 } versions { version name } viewerCan { addVersion delete move } } } pageInfo { hasNextPage endCursor } }
  documentFolders { id name } } }`;

interface Setup {
  t: TestApp;
  /** Object files the store holds now. */
  objects: () => string[];
  close: () => Promise<void>;
}

const walk = (root: string): string[] =>
  fs.existsSync(root)
    ? fs.readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === '.tmp' ? [] : walk(path.join(root, e.name)).map((f) => path.join(e.name, f))) : [e.name]))
    : [];

const stores: Array<[string, () => Promise<Setup>]> = [
  [
    'disk',
    async () => {
      const t = await startTestApp();
      return { t, objects: () => walk(t.filesDir), close: () => t.close() };
    },
  ],
  [
    's3',
    async () => {
      const s3: S3Server = await startS3();
      const base = loadConfig().storage;
      const t = await startTestApp({ storage: { ...base, s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'jiaoliu-test', region: 'us-east-1' } } });
      return { t, objects: () => s3Objects(s3, 'jiaoliu-test'), close: async () => (await t.close(), await s3.close()) };
    },
  ],
];

describe.each(stores)('documents on %s storage', (kind, setup) => {
  let s: Setup;
  let li: Client & { userId: string };
  let cheng: Client & { userId: string };
  let gou: Client & { userId: string };
  let outsider: Client & { userId: string };
  const token: Record<string, string> = {};
  let groupId: string;

  beforeAll(async () => {
    s = await setup();
    [li, cheng, gou, outsider] = await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan', 'yuanhao'].map((l) => signedIn(s.t.url, l)));
    for (const [client, login] of [[li, 'lijinsong'], [cheng, 'chengyong'], [gou, 'gouxiaoyan'], [outsider, 'yuanhao']] as const) token[login] = (await client.login(login)).token;
    [{ id: groupId }] = await sql<{ id: string }>(s.t.orm, `select id from chat_group where name = '政务服务工作交流'`);
  });
  afterAll(() => s.close());

  const download = (versionId: string, login?: string) =>
    fetch(`${s.t.url}/files/${versionId}`, { headers: login ? { authorization: `Bearer ${token[login]}` } : {} });

  it('stores an upload under a random key, keeps its name, hash and type, and streams it back as an attachment', async () => {
    const content = SAMPLES.docx();
    const result = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '通江县窗口服务规范（2026版）.docx', content);
    expect(result.status).toBe(201);
    const { group } = await li.request(LIBRARY, { g: groupId });
    const doc = group.documents.edges.find((e: any) => e.node.id === result.data!.documentId).node;
    expect(doc).toMatchObject({ name: '通江县窗口服务规范（2026版）.docx', size: content.length, uploader: { realName: '苟晓燕' }, latestVersion: { version: 1 } });
    expect(doc.mime).toContain('wordprocessingml');
    expect(doc.latestVersion.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.objects().some((o) => o.includes('通江') || o.includes('.docx'))).toBe(false);

    const response = await download(result.data!.versionId, 'chengyong');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; .*filename\*=UTF-8''%E9%80%9A/);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    const after = await li.request(LIBRARY, { g: groupId });
    expect(after.group.documents.edges.find((e: any) => e.node.id === result.data!.documentId).node.downloadCount).toBe(1);
  });

  it('accepts every allowed type whose content matches, and stores identical content once per group', async () => {
    const before = s.objects().length;
    for (const [ext, make] of Object.entries(SAMPLES)) {
      const result = await upload(s.t.url, { token: token.chengyong }, { groupId }, `样例.${ext}`, make());
      expect(result.status, `${ext}: ${JSON.stringify(result.errors)}`).toBe(201);
    }
    const again = await upload(s.t.url, { token: token.lijinsong }, { groupId }, '同一份文件.pdf', SAMPLES.pdf());
    expect(again.status).toBe(201);
    // One new object per distinct content (the docx of the first test is the same bytes as here).
    expect(s.objects().length).toBe(before + Object.keys(SAMPLES).length - 1);
    const [row] = await sql(s.t.orm, `select count(distinct v.object_id)::int as objects, count(*)::int as versions from document_version v join document d on d.id = v.document_id where d.group_id = ?`, [groupId]);
    expect(row.versions - row.objects).toBeGreaterThanOrEqual(2);
  });

  const refused: Array<[string, string, () => Buffer, string]> = [
    ['a type mismatch (a PNG named .pdf)', '伪装.pdf', SAMPLES.png, 'BAD_USER_INPUT'],
    ['a zip named .docx', '压缩包.docx', SAMPLES.zip, 'BAD_USER_INPUT'],
    ['an executable', 'setup.exe', () => Buffer.from('MZ\x90\x00'), 'BAD_USER_INPUT'],
    ['a path in the file name', '../../etc/passwd.txt', SAMPLES.txt, 'BAD_USER_INPUT'],
    ['a Windows path in the file name', 'C:\\\\temp\\\\a.txt', SAMPLES.txt, 'BAD_USER_INPUT'],
    ['a zero-byte file', '空文件.txt', () => Buffer.alloc(0), 'BAD_USER_INPUT'],
    ['binary data named .txt', '二进制.txt', () => Buffer.from([0, 1, 2, 3, 0, 0]), 'BAD_USER_INPUT'],
  ];
  it.each(refused)('refuses %s, leaving no object and no row', async (_, name, make, code) => {
    const [objects, rows] = [s.objects().length, await count(s.t.orm, 'document')];
    const result = await upload(s.t.url, { token: token.lijinsong }, { groupId }, name, make());
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions.code).toBe(code);
    expect(result.errors![0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(s.objects().length).toBe(objects);
    expect(await count(s.t.orm, 'document')).toBe(rows);
  });

  it('stops an oversize upload with 413 and a clear error, leaving nothing behind', async () => {
    const small = await startTestApp({ storage: { ...s.t.config.storage, maxUploadBytes: 64 * 1024 } });
    try {
      const { token: t } = await new Client(small.url).login('lijinsong');
      const big = Buffer.concat([SAMPLES.pdf(), Buffer.alloc(200 * 1024, 0x20)]);
      const [before, documents] = [await count(small.orm, 'stored_object'), await count(small.orm, 'document')];
      const result = await upload(small.url, { token: t }, { groupId }, '大文件.pdf', big);
      expect(result.status).toBe(413);
      expect(result.errors![0]).toMatchObject({ extensions: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(result.errors![0].message).toContain('64 KB');
      expect(await count(small.orm, 'stored_object')).toBe(before);
      expect(await count(small.orm, 'document')).toBe(documents);
      if (kind === 'disk') expect(walk(small.filesDir)).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('refuses uploads without the upload header (CSRF), without a session, and to groups the uploader is not in', async () => {
    const noHeader = await upload(s.t.url, { token: token.lijinsong }, { groupId }, '表单.txt', SAMPLES.txt(), {});
    expect(noHeader.status).toBe(400);
    const anonymous = await upload(s.t.url, {}, { groupId }, '匿名.txt', SAMPLES.txt());
    expect(anonymous.status).toBe(401);
    const outside = await upload(s.t.url, { token: token.yuanhao }, { groupId }, '外人.txt', SAMPLES.txt());
    expect(outside.status).toBe(404);
    expect(outside.errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('attaches files to chat messages from the conversation library only', async () => {
    const { data } = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '现场照片.png', Buffer.concat([SAMPLES.png(), Buffer.from('x')]));
    const [{ conversation_id: groupConversation }] = await sql<{ conversation_id: string }>(s.t.orm, `select conversation_id from chat_group where id = ?`, [groupId]);
    const SEND = `mutation($c: ID!, $b: String!, $k: String!, $a: [ID!]) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, attachmentVersionIds: $a) { id body attachments { version { id name } } } }`;
    const { sendMessage } = await gou.request(SEND, { c: groupConversation, b: '', k: `att-${kind}-1`, a: [data!.versionId] });
    expect(sendMessage).toMatchObject({ body: '', attachments: [{ version: { id: data!.versionId, name: '现场照片.png' } }] });
    const history = await li.request(`query($c: ID!) { conversation(id: $c) { messages(first: 1) { edges { node { id attachments { version { id } } } } } } }`, { c: groupConversation });
    expect(history.conversation.messages.edges[0].node.attachments).toEqual([{ version: { id: data!.versionId } }]);
    // A group file cannot travel into a private chat, nor a message be empty without files.
    const { openDirectConversation } = await gou.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: li.userId });
    expect(await gou.errorCode(SEND, { c: openDirectConversation.id, b: '给你', k: `att-${kind}-2`, a: [data!.versionId] })).toBe('BAD_USER_INPUT');
    expect(await gou.errorCode(SEND, { c: groupConversation, b: '  ', k: `att-${kind}-3`, a: [] })).toBe('BAD_USER_INPUT');
  });

  it('finds documents by name for members only, and not once deleted', async () => {
    const { data } = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '并联审批工作规程.txt', Buffer.from('规程全文'));
    const SEARCH = `query($q: String!) { search(query: $q, filter: { types: [DOCUMENT] }) { edges { node { type id document { id name } snippet { text match } group { id } } } } }`;
    const found = (await li.request(SEARCH, { q: '并联审批' })).search.edges.map((e: any) => e.node);
    expect(found).toEqual([expect.objectContaining({ type: 'DOCUMENT', id: data!.documentId, document: { id: data!.documentId, name: '并联审批工作规程.txt' }, group: { id: groupId } })]);
    expect(found[0].snippet.filter((p: any) => p.match).map((p: any) => p.text).join('')).toBe('并联审批');
    expect((await outsider.request(SEARCH, { q: '并联审批' })).search.edges).toEqual([]);
    await gou.request(`mutation($d: ID!) { deleteDocument(documentId: $d) { id } }`, { d: data!.documentId });
    expect((await li.request(SEARCH, { q: '并联审批' })).search.edges).toEqual([]);
  });

  it('refuses downloads to outsiders, unknown ids, and a member the moment they are removed', async () => {
    const { data } = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '内部通报.pdf', Buffer.concat([SAMPLES.pdf(), Buffer.from('通报')]));
    expect((await download(data!.versionId, 'yuanhao')).status).toBe(404);
    expect((await download(data!.versionId)).status).toBe(401);
    expect((await download('00000000-0000-4000-8000-000000000000', 'lijinsong')).status).toBe(404);
    expect((await download('../../etc/passwd', 'lijinsong')).status).toBe(404);
    expect((await download(data!.versionId, 'chengyong')).status).toBe(200);
    await li.request(`mutation($g: ID!, $u: ID!) { removeMember(groupId: $g, userId: $u, reason: "测试") }`, { g: groupId, u: cheng.userId });
    expect((await download(data!.versionId, 'chengyong')).status).toBe(404);
    expect(await cheng.errorCode(`mutation($v: ID!) { documentDownloadLink(versionId: $v) { url } }`, { v: data!.versionId })).toBe('NOT_FOUND');
  });

  it('gives members a link that works for 60 seconds only, without the session', async () => {
    const content = Buffer.concat([SAMPLES.pdf(), Buffer.from('短链接')]);
    const { data } = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '会议纪要.pdf', content);
    const { documentDownloadLink } = await gou.request(`mutation($v: ID!) { documentDownloadLink(versionId: $v) { url expiresAt } }`, { v: data!.versionId });
    const ttl = new Date(documentDownloadLink.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
    const url = documentDownloadLink.url.startsWith('/') ? `${s.t.url}${documentDownloadLink.url}` : documentDownloadLink.url;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    if (kind === 'disk') {
      const forged = url.replace(/s=[^&]+/, 's=AAAA');
      expect((await fetch(forged)).status).toBe(404);
      const expired = url.replace(/e=\d+/, `e=${Math.floor(Date.now() / 1000) - 1}`);
      expect((await fetch(expired)).status).toBe(404);
    }
  });

  it('keeps versions, folders, sorting and soft deletion with an audit, and never loses an attached file', async () => {
    const first = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId }, '办事指南.txt', Buffer.from('第一版'));
    const second = await upload(s.t.url, { token: token.gouxiaoyan }, { groupId, documentId: first.data!.documentId }, '办事指南（修订）.txt', Buffer.from('第二版'));
    expect(second.data!.version).toBe(2);
    const { token: ning } = await new Client(s.t.url).login('ningzhiyuan');
    const stranger = await upload(s.t.url, { token: ning }, { groupId, documentId: first.data!.documentId }, '改别人的.txt', Buffer.from('第三版'));
    expect(stranger.status).toBe(403);
    const { document } = await li.request(`query($d: ID!) { document(id: $d) { name versions { version name } } }`, { d: first.data!.documentId });
    expect(document).toEqual({ name: '办事指南（修订）.txt', versions: [{ version: 2, name: '办事指南（修订）.txt' }, { version: 1, name: '办事指南.txt' }] });

    const { createDocumentFolder } = await li.request(`mutation($g: ID!) { createDocumentFolder(groupId: $g, name: "制度规范") { id name } }`, { g: groupId });
    await gou.request(`mutation($d: ID!, $f: ID) { moveDocument(documentId: $d, folderId: $f) { id } }`, { d: first.data!.documentId, f: createDocumentFolder.id });
    const inFolder = await li.request(LIBRARY, { g: groupId, f: createDocumentFolder.id });
    expect(inFolder.group.documents.edges.map((e: any) => e.node.name)).toEqual(['办事指南（修订）.txt']);
    expect(inFolder.group.documentFolders.map((f: any) => f.name)).toContain('制度规范');

    // Sorting and paging by name, size and time: every document once, in order.
    for (const sort of ['NAME', 'SIZE', 'TIME']) {
      const seen: any[] = [];
      let after: string | null = null;
      do {
        const { group }: any = await li.request(LIBRARY, { g: groupId, s: sort, first: 3, after });
        seen.push(...group.documents.edges.map((e: any) => e.node));
        after = group.documents.pageInfo.hasNextPage ? group.documents.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
      if (sort === 'SIZE') expect(seen.map((d) => d.size)).toEqual([...seen.map((d) => d.size)].sort((a, b) => b - a));
    }

    // Attach the first version to a thread, then delete the document: the thread's file still opens.
    const [{ id: boardId }] = await sql<{ id: string }>(s.t.orm, `select id from board where group_id = ? and name = '资料共享'`, [groupId]);
    const { createThread } = await gou.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id attachments { version { id name } } } }`, {
      i: { boardId, title: '分享办事指南', body: '见附件', attachmentVersionIds: [first.data!.versionId] },
    });
    expect(createThread.attachments).toEqual([{ version: { id: first.data!.versionId, name: '办事指南.txt' } }]);
    const ningClient = await signedIn(s.t.url, 'ningzhiyuan');
    expect(await ningClient.errorCode(`mutation($d: ID!) { deleteDocument(documentId: $d) { id } }`, { d: first.data!.documentId })).toBe('FORBIDDEN');
    const objectsBefore = s.objects().length;
    await gou.request(`mutation($d: ID!) { deleteDocument(documentId: $d, reason: "已过时") { id } }`, { d: first.data!.documentId });
    expect((await li.request(LIBRARY, { g: groupId, f: createDocumentFolder.id })).group.documents.edges).toEqual([]);
    expect(s.objects().length).toBe(objectsBefore);
    expect((await download(first.data!.versionId, 'lijinsong')).status).toBe(200); // attached: still opens
    expect((await download(second.data!.versionId, 'lijinsong')).status).toBe(404); // not attached: gone from the library
    expect(await count(s.t.orm, 'audit_log', `action = 'document.deleted' and target_id = ?`, [first.data!.documentId])).toBe(1);
    // A deleted document cannot be attached again.
    expect(await gou.errorCode(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title: '再附一次', body: '见附件', attachmentVersionIds: [second.data!.versionId] } })).toBe('BAD_USER_INPUT');
  });
});
