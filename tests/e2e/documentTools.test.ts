/**
 * Browser tests of the group library's tools (issue 16, items 6 and 13): a same-named upload asks
 * 保存为新版本 / 另存为新文件 / 取消 instead of making a second document, and the 资料寻找 picker
 * lists one entry per document; folders are renamed and deleted (a non-empty folder's refusal
 * shown in Chinese); the size limit is shown before an upload, and a file over it is refused in
 * the browser before any byte is sent. One server with a 1 MB limit serves the whole file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../server/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';
import { upload } from '../helpers/files.js';

const DEMO_GROUP = '政务服务工作交流';
const AGENDA = '会议议程.txt';
/** Each test drives a few pages on a machine shared with other test runs. */
const SLOW = 120_000;

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, tokens } = apiClient(() => app);
let groupId: string;

function openAs(loginName: string, realName: string): Promise<Opened> {
  return session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 }, ignoreConsole: /status of (400|409|413)/ });
}

beforeAll(async () => {
  app = await startTestApp({ storage: { maxUploadBytes: 1024 * 1024 } as Config['storage'] });
  await Promise.all(['lijinsong', 'gouxiaoyan'].map(signIn));
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string }> }>('gouxiaoyan', '{ myGroups { id name } }');
  groupId = myGroups.find((g) => g.name === DEMO_GROUP)!.id;
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('group library tools in the browser', () => {
  test('a same-named upload offers 保存为新版本 (default), 另存为新文件 or 取消 instead of a second document', async () => {
    const { page, errors } = await openAs('gouxiaoyan', '苟晓燕');
    await page.goto(`/#/groups/${groupId}/files`);
    await page.getByTestId('lib-status').getByTestId('empty').waitFor();
    const rows = page.locator(`[data-testid=lib-doc][data-name="${AGENDA}"]`);

    await page.getByTestId('lib-upload-input').setInputFiles({ name: AGENDA, mimeType: 'text/plain', buffer: Buffer.from('一、开场\n') });
    await rows.waitFor();

    // Again, same name: asked, with 保存为新版本 chosen; it becomes version 2 of the same document.
    await page.getByTestId('lib-upload-input').setInputFiles({ name: AGENDA, mimeType: 'text/plain', buffer: Buffer.from('一、开场\n二、交流\n') });
    const ask = page.getByTestId('name-taken-dialog');
    await ask.waitFor();
    expect(await ask.textContent()).toContain(`已有名为“${AGENDA}”的文件`);
    expect(await ask.getByTestId('name-taken-version').isChecked()).toBe(true);
    await ask.getByTestId('dialog-submit').click();
    await ask.waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'v2' }).waitFor();
    expect(await rows.count()).toBe(1);

    // 另存为新文件: a second document named 会议议程(2).txt.
    await page.getByTestId('lib-upload-input').setInputFiles({ name: AGENDA, mimeType: 'text/plain', buffer: Buffer.from('另一份议程\n') });
    await ask.waitFor();
    await ask.getByTestId('name-taken-copy').check();
    await ask.getByTestId('dialog-submit').click();
    await page.locator('[data-testid=lib-doc][data-name="会议议程(2).txt"]').waitFor();

    // 取消: nothing is sent, nothing changes.
    await page.getByTestId('lib-upload-input').setInputFiles({ name: AGENDA, mimeType: 'text/plain', buffer: Buffer.from('不要了\n') });
    await ask.waitFor();
    await ask.getByTestId('dialog-cancel').click();
    await page.locator(`[data-testid=upload-item][data-name="${AGENDA}"][data-state=cancelled]`).waitFor();
    await page.reload();
    await rows.waitFor();
    expect(await page.getByTestId('lib-doc').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort())).toEqual(['会议议程(2).txt', AGENDA].sort());
    await expect.poll(() => rows.filter({ hasText: 'v2' }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, SLOW);

  test('the 资料寻找 picker lists 会议议程.txt once, also after a same-named upload from the picker', async () => {
    const { page, errors } = await openAs('gouxiaoyan', '苟晓燕');
    const ask = page.getByTestId('name-taken-dialog');
    await api('lijinsong', 'mutation($g: ID!) { requestDocument(groupId: $g, title: "三县一区会议议程") { id } }', { g: groupId });
    await page.goto(`/#/groups/${groupId}/requests`);
    await page.getByTestId('request').filter({ hasText: '三县一区会议议程' }).getByTestId('request-answer').click();
    const picker = page.getByTestId('answer-dialog');
    const entries = picker.locator(`[data-testid=picker-item][data-name="${AGENDA}"]`);
    await entries.first().waitFor();
    expect(await entries.count()).toBe(1);
    await picker.getByTestId('picker-upload-input').setInputFiles({ name: AGENDA, mimeType: 'text/plain', buffer: Buffer.from('一、开场\n二、交流\n三、总结\n') });
    await ask.waitFor();
    await ask.getByTestId('dialog-submit').click();
    await picker.locator(`[data-testid=picker-item][data-name="${AGENDA}"] input:checked`).waitFor();
    expect(await entries.count()).toBe(1);
    expect(await picker.getByTestId('picker-item').count()).toBe(2);
    expect(errors).toEqual([]);
  }, SLOW);

  test('folders are renamed and deleted; a non-empty folder is refused in Chinese; only the creator or a group admin sees the actions', async () => {
    const li = await openAs('lijinsong', '李劲松');
    const { page } = li;
    await page.goto(`/#/groups/${groupId}/files`);
    await page.getByTestId('library').waitFor();
    for (const name of ['旧资料', '县级资料']) {
      await page.getByTestId('lib-new-folder').click();
      const dialog = page.getByTestId('folder-dialog');
      await dialog.getByTestId('folder-name').fill(name);
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
    }
    const folder = (name: string) => page.locator(`[data-testid=lib-folder][data-name="${name}"]`);

    // Rename 旧资料 → 2025年资料.
    await folder('旧资料').getByTestId('folder-rename').click();
    const rename = page.getByTestId('folder-rename-dialog');
    expect(await rename.getByTestId('folder-name').inputValue()).toBe('旧资料');
    await rename.getByTestId('folder-name').fill('2025年资料');
    await rename.getByTestId('folder-name').press('Enter');
    await rename.waitFor({ state: 'detached' });
    await folder('2025年资料').waitFor();
    expect(await folder('旧资料').count()).toBe(0);

    // A file in 县级资料: deleting it is refused with the reason, the folder stays.
    const { folders } = await api<{ folders: { documentFolders: Array<{ id: string; name: string }> } }>('lijinsong', 'query($g: ID!) { folders: group(id: $g) { documentFolders { id name } } }', { g: groupId });
    const county = folders.documentFolders.find((f) => f.name === '县级资料')!;
    expect((await upload(app.url, { token: tokens.lijinsong }, { groupId, folderId: county.id }, '通江县清单.txt', Buffer.from('清单'))).status).toBe(201);
    await folder('县级资料').getByTestId('folder-delete').click();
    const del = page.getByTestId('folder-delete-dialog');
    expect(await del.textContent()).toContain('只能删除空文件夹');
    await del.getByTestId('dialog-submit').click();
    await del.getByTestId('dialog-error').filter({ hasText: '文件夹“县级资料”里还有 1 个文件，请先移走或删除' }).waitFor();
    await del.getByTestId('dialog-cancel').click();
    await folder('县级资料').waitFor();

    // 苟晓燕, a plain member, sees neither action on his folders.
    const gou = await openAs('gouxiaoyan', '苟晓燕');
    await gou.page.goto(`/#/groups/${groupId}/files`);
    await gou.page.locator('[data-testid=lib-folder][data-name="2025年资料"]').waitFor();
    expect(await gou.page.getByTestId('folder-rename').count()).toBe(0);
    expect(await gou.page.getByTestId('folder-delete').count()).toBe(0);

    // The empty one goes, after the confirmation.
    await folder('2025年资料').getByTestId('folder-delete').click();
    await del.getByTestId('dialog-submit').click();
    await del.waitFor({ state: 'detached' });
    await expect.poll(() => folder('2025年资料').count()).toBe(0);
    await page.reload();
    await folder('县级资料').waitFor();
    expect(await folder('2025年资料').count()).toBe(0);
    expect(li.errors).toEqual([]);
    expect(gou.errors).toEqual([]);
  }, SLOW);

  test('the library shows the server’s size limit, and a file over it is refused before any byte is sent', async () => {
    const { page, errors } = await openAs('gouxiaoyan', '苟晓燕');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/files') posts.push(request.url());
    });
    await page.goto(`/#/groups/${groupId}/files`);
    await page.getByTestId('lib-limit').filter({ hasText: '单个文件不超过 1 MB' }).waitFor();
    const name = '年度工作总结（扫描件）.pdf';
    await page.getByTestId('lib-upload-input').setInputFiles({ name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x20)]) });
    const row = page.locator(`[data-testid=upload-item][data-name="${name}"][data-state=failed]`);
    await row.waitFor();
    expect(await row.getByTestId('upload-status').textContent()).toBe(`“${name}”无法上传：文件大小 3 MB，超过了单个文件 1 MB 的上限`);
    expect(posts).toEqual([]);
    // The picker says it too.
    await page.goto(`/#/groups/${groupId}/bbs?new=1`);
    await page.getByTestId('attach-add').click();
    await page.getByTestId('attach-picker').getByTestId('picker-limit').filter({ hasText: '单个文件不超过 1 MB' }).waitFor();
    expect(errors).toEqual([]);
  }, SLOW);
});
