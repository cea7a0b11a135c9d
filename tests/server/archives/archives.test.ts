import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshOrm, startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { unzip } from '../../helpers/zip.js';

/**
 * Archives over the real API: requests and refusals, the scheduler's job, the download link,
 * and what the ZIP holds (read back with yauzl). Demo group 政务服务工作交流: 李劲松 owner,
 * 宁志远 and 苟晓燕 plain members, 赵敏 a system admin who is a plain member (so she may not read
 * restricted content), 阿依古丽 not a member.
 */
const REQUEST = `mutation($g: ID!, $f: String!, $t: String!) { requestGroupArchive(groupId: $g, from: $f, to: $t) { id kind status progress groupName from to viewerCan { download delete } } }`;
const PERSONAL = `mutation { requestPersonalArchive { id kind status } }`;
const ONE = `query($id: ID!) { archiveExport(id: $id) { id status progress size error viewerCan { download delete } } }`;
const MINE = `{ myArchiveExports(first: 10) { totalCount edges { node { id kind status } } } }`;
const LINK = `mutation($id: ID!) { archiveDownloadLink(id: $id) { url expiresAt } }`;
const DELETE = `mutation($id: ID!) { deleteArchiveExport(id: $id) }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!, $level: Confidentiality, $files: [ID!]) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, confidentiality: $level, attachmentVersionIds: $files) { id } }`;
const EDIT = `mutation($id: ID!, $b: String!) { editMessage(messageId: $id, body: $b) { id } }`;
const RECALL = `mutation($id: ID!) { recallMessage(messageId: $id) { id } }`;
const BOARDS = `query($g: ID!) { group(id: $g) { viewerCanExportArchive boards { id name } } }`;
const THREAD = `mutation($input: ThreadInput!) { createThread(input: $input) { id } }`;
const REPLY = `mutation($t: ID!, $b: String!) { replyToThread(threadId: $t, body: $b) { id } }`;

let t: TestApp;
let li: Client & { userId: string };
let publicFile: string;
let secretFile: string;
let ning: Client & { userId: string };
let gou: Client & { userId: string };
let zhao: Client & { userId: string };
let outsider: Client & { userId: string };
let groupId: string;
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const yearAgo = new Date(Date.now() - 300 * 24 * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
const SECRET = '归档测试：受限内容甲乙丙';
let n = 0;
const key = () => `archive-${Date.now()}-${n++}`;

async function runJobs() {
  await t.app.scheduler.runDue();
}

async function download(client: Client, id: string): Promise<Map<string, Buffer>> {
  const { archiveDownloadLink } = await client.request(LINK, { id });
  const response = await fetch(`${t.url}${archiveDownloadLink.url}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/zip');
  const bytes = Buffer.from(await response.arrayBuffer());
  const { archiveExport } = await client.request(ONE, { id });
  expect(bytes.length).toBe(archiveExport.size);
  return unzip(bytes);
}

const text = (zip: Map<string, Buffer>, name: string) => {
  const entry = zip.get(name);
  if (!entry) throw new Error(`no ${name} in the archive: ${[...zip.keys()].join(', ')}`);
  return entry.toString('utf8');
};
const json = (zip: Map<string, Buffer>, name: string) => JSON.parse(text(zip, name));

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [li, ning, gou, zhao, outsider] = await Promise.all(['lijinsong', 'ningzhiyuan', 'gouxiaoyan', 'zhaomin', 'aiyiguli'].map((login) => signedIn(t.url, login)));
  const [group] = await sql<{ id: string; conversation_id: string }>(t.orm, `select id, conversation_id from chat_group where name = '政务服务工作交流'`);
  groupId = group.id;
  const conversation = group.conversation_id;
  const { sendMessage: edited } = await ning.request(SEND, { c: conversation, b: '归档测试：原来的说法', k: key() });
  await ning.request(EDIT, { id: edited.id, b: '归档测试：修改后的说法' });
  const { sendMessage: recalled } = await ning.request(SEND, { c: conversation, b: '归档测试：发错了要撤回', k: key() });
  await ning.request(RECALL, { id: recalled.id });
  const ningToken = (await new Client(t.url).login('ningzhiyuan')).token;
  const gouToken = (await new Client(t.url).login('gouxiaoyan')).token;
  publicFile = (await upload(t.url, { token: ningToken }, { groupId }, '窗口服务规范.txt', SAMPLES.txt())).data!.versionId;
  secretFile = (await upload(t.url, { token: gouToken }, { groupId }, '受限附件.txt', Buffer.from(SECRET))).data!.versionId;
  await gou.request(SEND, { c: conversation, b: SECRET, k: key(), level: 'RESTRICTED', files: [secretFile] });
  await gou.request(SEND, { c: conversation, b: '<script>alert("x")</script><img src=x onerror=alert(1)>', k: key() });
  const { group: g } = await ning.request(BOARDS, { g: groupId });
  const { createThread } = await ning.request(THREAD, { input: { boardId: g.boards[0].id, title: '归档测试帖：窗口服务规范', body: '请各地交流窗口服务规范。' } });
  await gou.request(REPLY, { t: createThread.id, b: '归档测试回复：通江县的规范已上传。' });
}, 60_000);

afterAll(() => t?.close());

describe('requesting a group archive', () => {
  it('is for the owner, admins and system admins: a non-member gets NOT_FOUND, a plain member FORBIDDEN', async () => {
    expect(await outsider.errorCode(REQUEST, { g: groupId, f: yearAgo, t: today })).toBe('NOT_FOUND');
    const refused = await ning.errors(REQUEST, { g: groupId, f: yearAgo, t: today });
    expect(refused[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/群主|管理员/) });
    expect(await ning.errorCode(REQUEST, { g: '00000000-0000-0000-0000-000000000000', f: yearAgo, t: today })).toBe('NOT_FOUND');
    expect((await ning.request(BOARDS, { g: groupId })).group.viewerCanExportArchive).toBe(false);
    expect((await li.request(BOARDS, { g: groupId })).group.viewerCanExportArchive).toBe(true);
    expect((await zhao.request(BOARDS, { g: groupId })).group.viewerCanExportArchive).toBe(true);
  });

  it('reaches an invite-only group for a system admin outside it, and stays NOT_FOUND for other outsiders', async () => {
    const { createGroup } = await li.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, { input: { name: '档案测试邀请群', purpose: '测试', rules: '测试', visibility: 'INVITE_ONLY' } });
    expect(await outsider.errorCode(REQUEST, { g: createGroup.id, f: today, t: today })).toBe('NOT_FOUND');
    expect(await ning.errorCode(REQUEST, { g: createGroup.id, f: today, t: today })).toBe('NOT_FOUND');
    const { requestGroupArchive } = await zhao.request(REQUEST, { g: createGroup.id, f: today, t: today });
    expect(requestGroupArchive).toMatchObject({ status: 'QUEUED', groupName: '档案测试邀请群' });
    await zhao.request(DELETE, { id: requestGroupArchive.id });
  });

  it('validates the dates', async () => {
    expect(await li.errorCode(REQUEST, { g: groupId, f: today, t: yearAgo })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(REQUEST, { g: groupId, f: '2026-02-30', t: today })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(REQUEST, { g: groupId, f: '2024-01-01', t: today })).toBe('BAD_USER_INPUT');
    const [error] = await li.errors(REQUEST, { g: groupId, f: 'gestern', t: today });
    expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'from' }, message: '日期格式应为 YYYY-MM-DD' });
  });
});

describe('a group archive', () => {
  let ownerZip: Map<string, Buffer>;
  let adminZip: Map<string, Buffer>;
  let ownerExport: string;

  beforeAll(async () => {
    const { requestGroupArchive: mine } = await li.request(REQUEST, { g: groupId, f: yearAgo, t: today });
    expect(mine).toMatchObject({ kind: 'GROUP', status: 'QUEUED', progress: 0, groupName: '政务服务工作交流', from: yearAgo, to: today, viewerCan: { download: false, delete: true } });
    const { requestGroupArchive: theirs } = await zhao.request(REQUEST, { g: groupId, f: yearAgo, t: today });
    ownerExport = mine.id;
    await runJobs();
    const { archiveExport } = await li.request(ONE, { id: mine.id });
    expect(archiveExport).toMatchObject({ status: 'DONE', progress: 100, error: null, viewerCan: { download: true, delete: true } });
    expect(archiveExport.size).toBeGreaterThan(1000);
    ownerZip = await download(li, mine.id);
    adminZip = await download(zhao, theirs.id);
  }, 60_000);

  it('has a Chinese HTML index and a page per section, each naming the exporter, with no script', () => {
    const index = text(ownerZip, 'index.html');
    expect(index).toContain('群组档案：政务服务工作交流');
    for (const heading of ['群聊消息', '讨论组', '论坛帖子与回复', '群文件', '会议通知', '群公告', '审计日志']) expect(index).toContain(heading);
    for (const page of ['index.html', 'messages.html', 'discussions.html', 'threads.html', 'files.html', 'meetings.html', 'announcements.html', 'audit.html']) {
      const html = text(ownerZip, page);
      expect(html).toMatch(/导出人：李劲松（[^）]+） · 导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    }
    // User content is text: the markup a member sent is escaped.
    expect(text(ownerZip, 'messages.html')).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('holds messages with their edits and recalls as records', () => {
    const messages = json(ownerZip, 'data/messages.json') as Array<Record<string, any>>;
    const edited = messages.find((m) => m.body === '归档测试：修改后的说法');
    expect(edited).toMatchObject({ author: '宁志远', editCount: 1, edits: [expect.objectContaining({ previousBody: '归档测试：原来的说法' })] });
    expect(edited!.editedAt).toBeTruthy();
    const recalled = messages.find((m) => m.recalledAt && m.author === '宁志远');
    expect(recalled).toMatchObject({ body: null, withheld: false });
    expect(JSON.stringify(messages)).not.toContain('发错了要撤回');
    const html = text(ownerZip, 'messages.html');
    expect(html).toContain('归档测试：修改后的说法');
    expect(html).toContain('修改前');
    expect(html).toContain('被发送人撤回');
    // The demo's own history is in range too.
    expect(html).toContain('小苟，想在你那找份文件可否?');
  });

  it('shows restricted content to an exporter who may read it, and a placeholder at its place to one who may not', () => {
    const ownerMessages = json(ownerZip, 'data/messages.json') as Array<Record<string, any>>;
    expect(ownerMessages.find((m) => m.body === SECRET)).toMatchObject({ confidentiality: 'restricted', withheld: false, author: '苟晓燕' });
    expect(text(ownerZip, 'messages.html')).toContain(SECRET);

    const adminMessages = json(adminZip, 'data/messages.json') as Array<Record<string, any>>;
    const placeholder = adminMessages.find((m) => m.confidentiality === 'restricted');
    expect(placeholder).toMatchObject({ withheld: true, body: null, placeholder: '此内容为受限内容，导出人无权查看' });
    for (const [name, bytes] of adminZip) expect(bytes.toString('utf8'), name).not.toContain(SECRET);
    expect(text(adminZip, 'messages.html')).toContain('此内容为受限内容，导出人无权查看');
    expect(text(adminZip, 'index.html')).toMatch(/导出人：赵敏/);
  });

  it('holds the group\'s files with their bytes, except those attached to content the exporter may not read', () => {
    const files = json(ownerZip, 'data/files.json') as Array<Record<string, any>>;
    const normal = files.find((f) => f.versionId === publicFile);
    expect(normal).toMatchObject({ name: '窗口服务规范.txt', uploader: '宁志远', path: `files/${publicFile}/窗口服务规范.txt` });
    expect(ownerZip.get(normal!.path)).toEqual(SAMPLES.txt());
    expect(files.find((f) => f.versionId === secretFile)).toMatchObject({ name: '受限附件.txt', path: `files/${secretFile}/受限附件.txt` });
    expect(text(ownerZip, `files/${secretFile}/受限附件.txt`)).toBe(SECRET);
    expect(text(ownerZip, 'files.html')).toContain('窗口服务规范.txt');

    const adminFiles = json(adminZip, 'data/files.json') as Array<Record<string, any>>;
    expect(adminFiles.find((f) => f.versionId === secretFile)).toEqual({ versionId: secretFile, withheld: true, placeholder: '此内容为受限内容，导出人无权查看', createdAt: expect.any(String) });
    expect([...adminZip.keys()].filter((name) => name.startsWith('files/'))).toEqual([`files/${publicFile}/窗口服务规范.txt`]);
    expect(text(adminZip, 'files.html')).not.toContain('受限附件');
  });

  it('holds threads with replies, the meeting with its roster, announcements and the audit log', () => {
    const threads = json(ownerZip, 'data/threads.json') as Array<Record<string, any>>;
    const thread = threads.find((x) => x.title === '归档测试帖：窗口服务规范');
    expect(thread).toMatchObject({ author: '宁志远', replies: [expect.objectContaining({ author: '苟晓燕', body: '归档测试回复：通江县的规范已上传。', floor: 1 })] });
    expect(text(ownerZip, 'threads.html')).toContain('归档测试回复：通江县的规范已上传。');

    const meetings = json(ownerZip, 'data/meetings.json') as Array<Record<string, any>>;
    const meeting = meetings.find((m) => m.title === '三县一区政务服务工作交流会议');
    expect(meeting?.organizer).toBe('程永');
    expect(meeting?.roster.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['马骏', '罗宇']));
    expect(meeting?.roster.find((r: { name: string }) => r.name === '罗宇')).toMatchObject({ answer: 'leave' });
    expect(text(ownerZip, 'meetings.html')).toContain('参会名单');

    expect((json(ownerZip, 'data/announcements.json') as Array<{ title: string }>).map((a) => a.title)).toContain('四川省政务服务中心工作周报（第24期）');

    const audit = json(ownerZip, 'data/audit.json') as Array<Record<string, any>>;
    expect(audit.find((l) => l.action === 'archive.requested' && l.actor === '李劲松')).toMatchObject({ actionLabel: '申请导出档案' });
    expect(text(ownerZip, 'audit.html')).toContain('创建群组');
    expect(audit.find((l) => l.action === 'group.created')).toBeTruthy();

    const manifest = json(ownerZip, 'data.json');
    expect(manifest).toMatchObject({ kind: 'group', exportId: ownerExport, exportedBy: { name: '李劲松' }, group: { name: '政务服务工作交流' } });
    expect(manifest.sections.map((s: { key: string }) => s.key)).toEqual(['messages', 'discussions', 'threads', 'files', 'meetings', 'announcements', 'audit']);
  });

  it('is audited when requested, when completed and when downloaded', async () => {
    const rows = await sql<{ action: string; actor_id: string }>(t.orm, `select action, actor_id from audit_log where action like 'archive.%' and after->>'exportId' = ? order by id`, [ownerExport]);
    expect(rows.map((r) => r.action)).toEqual(['archive.requested', 'archive.completed', 'archive.downloaded']);
    expect(rows.every((r) => r.actor_id === li.userId)).toBe(true);
  });

  it('belongs to its requester alone', async () => {
    expect(await ning.errorCode(ONE, { id: ownerExport })).toBe('NOT_FOUND');
    expect(await zhao.errorCode(LINK, { id: ownerExport })).toBe('NOT_FOUND');
    expect(await zhao.errorCode(DELETE, { id: ownerExport })).toBe('NOT_FOUND');
    const { myArchiveExports } = await zhao.request(MINE);
    expect(myArchiveExports.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(ownerExport);
  });

  it('downloads only through a genuine, unexpired link', async () => {
    const { archiveDownloadLink } = await li.request(LINK, { id: ownerExport });
    const forged = archiveDownloadLink.url.replace(/s=[^&]+/, 's=AAAA');
    expect((await fetch(`${t.url}${forged}`)).status).toBe(404);
    const expired = archiveDownloadLink.url.replace(/e=\d+/, 'e=1000');
    expect((await fetch(`${t.url}${expired}`)).status).toBe(404);
  });
});

describe('downloading a group archive re-checks the right to export it', () => {
  const SET_ROLE = `mutation($g: ID!, $u: ID!, $r: GroupRole!) { setGroupRole(groupId: $g, userId: $u, role: $r) { role } }`;

  it('refuses a link, and an already made link, to an admin demoted after the build (NOT_FOUND), and audits each download', async () => {
    await li.request(SET_ROLE, { g: groupId, u: ning.userId, r: 'ADMIN' });
    let demoted = false;
    try {
      const { requestGroupArchive } = await ning.request(REQUEST, { g: groupId, f: today, t: today });
      await runJobs();
      expect((await ning.request(ONE, { id: requestGroupArchive.id })).archiveExport).toMatchObject({ status: 'DONE', viewerCan: { download: true } });
      const { archiveDownloadLink } = await ning.request(LINK, { id: requestGroupArchive.id });
      const downloads = await sql<{ actor_id: string; target_id: string }>(t.orm, `select actor_id, target_id from audit_log where action = 'archive.downloaded' and after->>'exportId' = ?`, [requestGroupArchive.id]);
      expect(downloads).toEqual([{ actor_id: ning.userId, target_id: groupId }]);

      await li.request(SET_ROLE, { g: groupId, u: ning.userId, r: 'MEMBER' });
      demoted = true;
      // The export is still listed (and deletable) as theirs, but its content is no longer theirs to take.
      expect((await ning.request(ONE, { id: requestGroupArchive.id })).archiveExport).toMatchObject({ status: 'DONE', viewerCan: { download: false, delete: true } });
      expect(await ning.errorCode(LINK, { id: requestGroupArchive.id })).toBe('NOT_FOUND');
      const opened = await fetch(`${t.url}${archiveDownloadLink.url}`);
      expect(opened.status).toBe(404);
      expect((await opened.json()).errors[0].extensions.code).toBe('NOT_FOUND');
      expect(await sql(t.orm, `select 1 from audit_log where action = 'archive.downloaded' and after->>'exportId' = ?`, [requestGroupArchive.id])).toHaveLength(1);
    } finally {
      if (!demoted) await li.request(SET_ROLE, { g: groupId, u: ning.userId, r: 'MEMBER' });
    }
  }, 60_000);

  it('refuses the link of a system admin no longer one, and lists the download in the group audit log in Chinese', async () => {
    const { requestGroupArchive } = await zhao.request(REQUEST, { g: groupId, f: today, t: today });
    await runJobs();
    const { archiveDownloadLink } = await zhao.request(LINK, { id: requestGroupArchive.id });
    await sql(t.orm, `update app_user set is_system_admin = false where id = ?`, [zhao.userId]);
    try {
      expect((await fetch(`${t.url}${archiveDownloadLink.url}`)).status).toBe(404);
    } finally {
      await sql(t.orm, `update app_user set is_system_admin = true where id = ?`, [zhao.userId]);
    }
    expect((await fetch(`${t.url}${archiveDownloadLink.url}`)).status).toBe(200);
    const { groupAuditLog } = await li.request(`query($g: ID!) { groupAuditLog(groupId: $g, filter: { action: "archive.downloaded" }, first: 1) { edges { node { action actionLabel } } } }`, { g: groupId });
    expect(groupAuditLog.edges[0].node).toEqual({ action: 'archive.downloaded', actionLabel: '下载档案' });
  }, 60_000);
});

describe('a finished export whose ZIP is gone from the store (an installation restored from a backup)', () => {
  it('answers a clear Chinese NOT_FOUND for the link and for a link already made, not a server error', async () => {
    const { requestPersonalArchive } = await li.request(PERSONAL);
    await runJobs();
    const { archiveDownloadLink } = await li.request(LINK, { id: requestPersonalArchive.id });
    const [{ storage_key: storageKey }] = await sql<{ storage_key: string }>(t.orm, `select storage_key from archive_export where id = ?`, [requestPersonalArchive.id]);
    fs.rmSync(path.join(t.filesDir, storageKey));
    const [error] = await li.errors(LINK, { id: requestPersonalArchive.id });
    expect(error).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: '档案文件已不存在，请重新导出' });
    const opened = await fetch(`${t.url}${archiveDownloadLink.url}`);
    expect(opened.status).toBe(404);
    expect((await opened.json()).errors[0].message).toBe('档案文件已不存在，请重新导出');
    await li.request(DELETE, { id: requestPersonalArchive.id });
  }, 60_000);
});

describe('a personal archive', () => {
  it('holds the official’s own profile, messages and posts, and nobody else’s', async () => {
    const { requestPersonalArchive } = await ning.request(PERSONAL);
    expect(requestPersonalArchive).toMatchObject({ kind: 'PERSONAL', status: 'QUEUED' });
    await runJobs();
    const zip = await download(ning, requestPersonalArchive.id);
    expect(text(zip, 'index.html')).toContain('个人数据：宁志远');
    expect(text(zip, 'index.html')).toContain('ningzhiyuan');
    expect(json(zip, 'data.json')).toMatchObject({ kind: 'personal', profile: { loginName: 'ningzhiyuan', realName: '宁志远' } });
    const messages = json(zip, 'data/messages.json') as Array<Record<string, any>>;
    expect(messages.map((m) => m.body)).toContain('归档测试：修改后的说法');
    expect(messages.every((m) => m.author === '宁志远')).toBe(true);
    const all = [...zip.values()].map((b) => b.toString('utf8')).join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('小苟，想在你那找份文件可否?');
    expect((json(zip, 'data/threads.json') as Array<{ title: string }>).map((x) => x.title)).toContain('归档测试帖：窗口服务规范');
    const rows = await sql(t.orm, `select 1 from audit_log where action = 'archive.completed' and target_type = 'user' and target_id = ?`, [ning.userId]);
    expect(rows).toHaveLength(1);
  }, 60_000);

  it('limits the exports in the making per person and deletes finished ones', async () => {
    const first = (await gou.request(PERSONAL)).requestPersonalArchive;
    await gou.request(PERSONAL);
    expect(await gou.errorCode(PERSONAL)).toBe('CONFLICT');
    await runJobs();
    const { archiveExport } = await gou.request(ONE, { id: first.id });
    expect(archiveExport.status).toBe('DONE');
    const [{ storage_key: storageKey }] = await sql<{ storage_key: string }>(t.orm, `select storage_key from archive_export where id = ?`, [first.id]);
    expect(fs.existsSync(path.join(t.filesDir, storageKey))).toBe(true);
    expect(await gou.request(DELETE, { id: first.id })).toEqual({ deleteArchiveExport: true });
    expect(await gou.errorCode(ONE, { id: first.id })).toBe('NOT_FOUND');
    expect(fs.existsSync(path.join(t.filesDir, storageKey))).toBe(false);
  }, 60_000);
});

describe('the export job', () => {
  it('builds afresh an export left running by a crash (its job claim rolled back)', async () => {
    const { requestPersonalArchive } = await zhao.request(PERSONAL);
    // As if an instance had marked it running and died before finishing: the job is still pending.
    await sql(t.orm, `update archive_export set status = 'running', progress = 40 where id = ?`, [requestPersonalArchive.id]);
    await runJobs();
    expect((await zhao.request(ONE, { id: requestPersonalArchive.id })).archiveExport).toMatchObject({ status: 'DONE', progress: 100 });
    expect(text(await download(zhao, requestPersonalArchive.id), 'index.html')).toContain('个人数据：赵敏');
  }, 60_000);

  it('marks an export failed, with a Chinese reason and an audit record, when building breaks, and leaves no ZIP', async () => {
    const [{ storage_key: key }] = await sql<{ storage_key: string }>(t.orm, `select o.storage_key from document_version v join stored_object o on o.id = v.object_id where v.id = ?`, [publicFile]);
    const bytes = fs.readFileSync(path.join(t.filesDir, key));
    fs.rmSync(path.join(t.filesDir, key));
    try {
      const { requestGroupArchive } = await li.request(REQUEST, { g: groupId, f: today, t: today });
      await runJobs();
      const { archiveExport } = await li.request(ONE, { id: requestGroupArchive.id });
      expect(archiveExport).toMatchObject({ status: 'FAILED', error: '生成档案时出错，请稍后重新申请', viewerCan: { download: false, delete: true } });
      expect(await li.errorCode(LINK, { id: requestGroupArchive.id })).toBe('FORBIDDEN');
      const [row] = await sql(t.orm, `select storage_key from archive_export where id = ?`, [requestGroupArchive.id]);
      expect(row.storage_key).toBeNull();
      expect(await sql(t.orm, `select 1 from audit_log where action = 'archive.failed' and after->>'exportId' = ?`, [requestGroupArchive.id])).toHaveLength(1);
    } finally {
      fs.writeFileSync(path.join(t.filesDir, key), bytes);
    }
  }, 60_000);

  it('records a failure on the job\'s last attempt rather than leaving the export running for ever', async () => {
    const { requestPersonalArchive } = await li.request(PERSONAL);
    await sql(t.orm, `update scheduled_job set attempts = 4 where kind = 'archive.export' and subject_id = ?`, [requestPersonalArchive.id]);
    await runJobs();
    expect((await li.request(ONE, { id: requestPersonalArchive.id })).archiveExport).toMatchObject({ status: 'FAILED', error: '生成档案多次失败，请稍后重新申请' });
    const [job] = await sql(t.orm, `select done_at from scheduled_job where kind = 'archive.export' and subject_id = ?`, [requestPersonalArchive.id]);
    expect(job.done_at).not.toBeNull();
  }, 60_000);

  it('gives nothing to a requester who lost the right before the build', async () => {
    const { requestGroupArchive } = await li.request(REQUEST, { g: groupId, f: today, t: today });
    // 李劲松 is no longer among those who run the group when the job runs.
    await sql(t.orm, `update group_member set role = 'member' where group_id = ? and user_id = ?`, [groupId, li.userId]);
    try {
      await runJobs();
    } finally {
      await sql(t.orm, `update group_member set role = 'owner' where group_id = ? and user_id = ?`, [groupId, li.userId]);
    }
    expect((await li.request(ONE, { id: requestGroupArchive.id })).archiveExport).toMatchObject({ status: 'FAILED', error: '导出人已无权导出该档案' });
  }, 60_000);

  it('removes the ZIP when the export expires, and the link is refused from then on', async () => {
    const { requestPersonalArchive } = await outsider.request(PERSONAL);
    await runJobs();
    const { archiveDownloadLink } = await outsider.request(LINK, { id: requestPersonalArchive.id });
    const [{ storage_key: storageKey }] = await sql<{ storage_key: string }>(t.orm, `select storage_key from archive_export where id = ?`, [requestPersonalArchive.id]);
    expect(fs.existsSync(path.join(t.filesDir, storageKey))).toBe(true);
    // Seven days later: the expiry job is due.
    await sql(t.orm, `update archive_export set expires_at = now() - interval '1 second' where id = ?`, [requestPersonalArchive.id]);
    await sql(t.orm, `update scheduled_job set run_at = now() where kind = 'archive.expire' and subject_id = ?`, [requestPersonalArchive.id]);
    await runJobs();
    expect(fs.existsSync(path.join(t.filesDir, storageKey))).toBe(false);
    expect((await outsider.request(ONE, { id: requestPersonalArchive.id })).archiveExport).toMatchObject({ status: 'EXPIRED', viewerCan: { download: false, delete: true } });
    expect((await fetch(`${t.url}${archiveDownloadLink.url}`)).status).toBe(404);
    expect(await outsider.errorCode(LINK, { id: requestPersonalArchive.id })).toBe('FORBIDDEN');
  }, 60_000);
});

describe('the migration', () => {
  it('rolls back (down) and applies again', async () => {
    const { orm, close } = await freshOrm();
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ migrations: ['Migration20261207030000Archives'] });
      expect(await sql(orm, `select 1 from information_schema.tables where table_name = 'archive_export'`)).toHaveLength(0);
      await migrator.up();
      expect(await sql(orm, `select 1 from information_schema.tables where table_name = 'archive_export'`)).toHaveLength(1);
    } finally {
      await close();
    }
  }, 60_000);
});
