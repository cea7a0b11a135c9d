/**
 * Browser tests of the group library (群文件), BBS attachments and document requests (资料寻找)
 * against the real server (fresh PostgreSQL with the demo data; files on a temp disk store):
 * 苟晓燕 uploads a .txt and a .png into 政务服务工作交流's library with a progress bar (the upload
 * is throttled so the bar is seen moving), a file whose content is not what its extension says is
 * refused with the Chinese reason; 李劲松 sees both, previews the image and downloads the text; a
 * thread carries the image as an attachment; 李劲松 asks 苟晓燕 for a document, she answers from
 * the notification with a file of the library, and he marks it 已找到. A second server with a 1 MB
 * limit shows how an oversize upload is refused.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { Config } from '../../server/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';
import { png } from '../helpers/files.js';

const DEMO_GROUP = '政务服务工作交流';
const TXT_NAME = '通江县政务服务事项清单.txt';
const TXT_BODY = '通江县政务服务事项清单（2026 年版）\n一、行政许可 126 项\n二、公共服务 58 项\n';
const PNG_NAME = '窗口布局示意图.png';
const REQUEST_TITLE = '通江县“一窗受理”工作流程图';

let app: TestApp;
const session = new BrowserSession(() => app);
const { ids, api, signIn } = apiClient(() => app);
let groupId: string;
let groupConversationId: string;

function openAs(loginName: string, realName: string, server: TestApp = app): Promise<Opened> {
  // Refused uploads answer 400 or 413, which the browser reports as a failed resource load.
  return session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 }, acceptDownloads: true, server, ignoreConsole: /status of (400|413)/ });
}

async function bell(page: Page): Promise<number> {
  const badge = page.getByTestId('bell-count');
  return (await badge.isHidden()) ? 0 : Number(await badge.textContent());
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'gouxiaoyan'].map(signIn));
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string; conversation: { id: string } }> }>('gouxiaoyan', `{ myGroups { id name conversation { id } } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP);
  if (!demo) throw new Error('苟晓燕 is not in the demo group of the test database');
  groupId = demo.id;
  groupConversationId = demo.conversation.id;
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('group library, attachments and document requests in the browser', () => {
  let gou: Opened;
  let li: Opened;

  beforeAll(async () => {
    [gou, li] = await Promise.all([openAs('gouxiaoyan', '苟晓燕'), openAs('lijinsong', '李劲松')]);
  });

  test('苟晓燕 uploads a .txt and a .png with progress; a disguised file is refused in Chinese; 李劲松 previews the image and downloads the text; versions, move, delete', async () => {
    const { page } = gou;
    await page.goto(`/#/chat/${groupConversationId}`);
    await page.getByTestId('open-files').click();
    await page.getByTestId('docs-title').filter({ hasText: `${DEMO_GROUP} · 群文件` }).waitFor();
    await page.getByTestId('lib-status').getByTestId('empty').filter({ hasText: '群文件里还没有文件' }).waitFor();

    // A folder, entered through the list; the breadcrumb shows the way back.
    await page.getByTestId('lib-new-folder').click();
    const folderDialog = page.getByTestId('folder-dialog');
    await folderDialog.getByTestId('folder-name').fill('县级资料');
    await folderDialog.getByTestId('folder-name').press('Enter');
    await folderDialog.waitFor({ state: 'detached' });
    await page.getByTestId('lib-folder').filter({ hasText: '县级资料' }).getByTestId('lib-folder-open').click();
    await page.getByTestId('lib-crumb-current').filter({ hasText: '县级资料' }).waitFor();
    expect(page.url()).toContain('?path=');
    await page.getByTestId('lib-crumb').filter({ hasText: '群文件' }).click();
    await page.getByTestId('lib-crumb-current').filter({ hasText: '群文件' }).waitFor();

    // Slow the upload down so that the progress bar is seen between 0 and 100.
    const cdp = await gou.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const image = png(600 * 1024);
    await page.getByTestId('lib-upload-input').setInputFiles([
      { name: TXT_NAME, mimeType: 'text/plain', buffer: Buffer.from(TXT_BODY) },
      { name: PNG_NAME, mimeType: 'image/png', buffer: image },
    ]);
    const pngRow = page.locator(`[data-testid=upload-item][data-name="${PNG_NAME}"]`);
    await pngRow.waitFor();
    // Seen mid-way: the bar's value and the percentage move while it is sending.
    await page.waitForFunction(
      (name) => {
        const row = document.querySelector(`[data-testid=upload-item][data-name="${name}"]`);
        const bar = row?.querySelector('progress');
        return row?.getAttribute('data-state') === 'sending' && !!bar && bar.value > 0 && bar.value < 100 && /^\d+%$/.test(row.querySelector('[data-testid=upload-percent]')?.textContent ?? '');
      },
      PNG_NAME,
      { polling: 50, timeout: 15_000 },
    );
    await page.locator(`[data-testid=upload-item][data-name="${PNG_NAME}"][data-state=done]`).waitFor({ state: 'attached' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const txtRow = page.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`);
    await txtRow.waitFor();
    await page.locator(`[data-testid=lib-doc][data-name="${PNG_NAME}"]`).waitFor();
    expect(await txtRow.getByTestId('doc-uploader').textContent()).toBe('苟晓燕');
    expect(await txtRow.getByTestId('doc-size').textContent()).toBe(`${Buffer.byteLength(TXT_BODY)} 字节`);
    expect(await page.locator(`[data-testid=lib-doc][data-name="${PNG_NAME}"]`).getByTestId('doc-size').textContent()).toBe('600 KB');
    // Sorting by size puts the image first, by name (pinyin) 窗 (chuang) before 通 (tong).
    await page.getByTestId('lib-sort-size').click();
    await expect.poll(async () => page.getByTestId('lib-doc').first().getAttribute('data-name')).toBe(PNG_NAME);
    await page.getByTestId('lib-sort-name').click();
    await expect.poll(async () => page.getByTestId('lib-doc').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual([PNG_NAME, TXT_NAME]);

    // Text that claims to be a PNG: refused with the reason, nothing listed.
    await page.getByTestId('lib-upload-input').setInputFiles({ name: '伪装的图片.png', mimeType: 'image/png', buffer: Buffer.from('这不是图片，只是一段文字') });
    const bad = page.locator('[data-testid=upload-item][data-name="伪装的图片.png"][data-state=failed]');
    await bad.waitFor();
    expect(await bad.getByTestId('upload-status').textContent()).toBe('“伪装的图片.png”上传失败：文件内容与扩展名 .png 不符');
    // A type the library does not take is refused before anything is sent.
    await page.getByTestId('lib-upload-input').setInputFiles({ name: '安装程序.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    const exe = page.locator('[data-testid=upload-item][data-name="安装程序.exe"][data-state=failed]');
    await exe.waitFor();
    expect(await exe.getByTestId('upload-status').textContent()).toContain('不支持该文件类型，仅支持：doc、docx');
    await bad.getByTestId('upload-dismiss').click();
    await bad.waitFor({ state: 'detached' });
    await page.reload();
    await txtRow.waitFor();
    expect(await page.getByTestId('lib-doc').count()).toBe(2);

    // 李劲松 sees both, with who uploaded them.
    const p = li.page;
    await p.goto(`/#/groups/${groupId}/files`);
    const liPng = p.locator(`[data-testid=lib-doc][data-name="${PNG_NAME}"]`);
    await liPng.waitFor();
    expect(await liPng.getByTestId('doc-uploader').textContent()).toBe('苟晓燕');
    // He is the group's owner: he may move and delete her files too.
    expect(await liPng.getByTestId('doc-delete').count()).toBe(1);

    // Preview of the image, in a modal that Escape closes.
    await liPng.getByTestId('doc-preview').click();
    const preview = p.getByTestId('preview-dialog');
    const img = preview.getByTestId('preview-image');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await p.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });

    // Download of the text: the same bytes, and the count goes up.
    const liTxt = p.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`);
    const [download] = await Promise.all([p.waitForEvent('download'), liTxt.getByTestId('doc-download').click()]);
    expect(download.suggestedFilename()).toBe(TXT_NAME);
    expect(await fs.readFile((await download.path())!, 'utf8')).toBe(TXT_BODY);
    await p.reload();
    await expect.poll(async () => p.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`).getByTestId('doc-download-count').textContent()).toBe('1');

    // 苟晓燕 uploads a second version; the list shows v2, the versions dialog both.
    await page.reload();
    await txtRow.getByTestId('doc-versions').click();
    const versions = page.getByTestId('versions-dialog');
    await versions.getByTestId('version-row').waitFor();
    await versions.getByTestId('version-upload-input').setInputFiles({ name: TXT_NAME, mimeType: 'text/plain', buffer: Buffer.from(`${TXT_BODY}三、便民服务 20 项\n`) });
    await versions.locator('[data-testid=version-row][data-version="2"]').waitFor();
    expect(await versions.getByTestId('version-row').count()).toBe(2);
    await page.keyboard.press('Escape');
    await versions.waitFor({ state: 'detached' });
    await txtRow.filter({ hasText: 'v2' }).waitFor();

    // 李劲松 (the owner) moves it into 县级资料, then deletes it there with a reason.
    await p.reload();
    await p.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`).getByTestId('doc-move').click();
    const move = p.getByTestId('move-dialog');
    await expect.poll(() => move.getByTestId('move-folder').isEnabled()).toBe(true);
    await move.getByTestId('move-folder').selectOption({ label: '\u3000县级资料' });
    await move.getByTestId('dialog-submit').click();
    await move.waitFor({ state: 'detached' });
    await expect.poll(() => p.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`).count()).toBe(0);
    await p.getByTestId('lib-folder').filter({ hasText: '县级资料' }).getByTestId('lib-folder-open').click();
    const moved = p.locator(`[data-testid=lib-doc][data-name="${TXT_NAME}"]`);
    await moved.waitFor();
    await moved.getByTestId('doc-delete').click();
    const del = p.getByTestId('delete-dialog');
    await del.getByTestId('delete-reason').fill('已并入新版清单');
    await del.getByTestId('delete-reason').press('Control+Enter');
    await del.waitFor({ state: 'detached' });
    await p.getByTestId('lib-status').getByTestId('empty').filter({ hasText: '这个文件夹是空的' }).waitFor();

    expect(gou.errors).toEqual([]);
    expect(li.errors).toEqual([]);
  });

  test('苟晓燕 posts a thread with the image attached from the library; 李劲松 sees the thumbnail, opens it, and finds the file by search', async () => {
    const { page } = gou;
    await page.goto(`/#/groups/${groupId}/bbs?new=1`);
    const composer = page.getByTestId('thread-editor');
    await composer.getByTestId('editor-title').fill('通江县窗口布局调整');
    await composer.getByTestId('editor-body').fill('附上调整后的窗口布局示意图，请各位指正。');
    await composer.getByTestId('attach-add').click();
    const picker = page.getByTestId('attach-picker');
    await picker.locator(`[data-testid=picker-item][data-name="${PNG_NAME}"]`).getByTestId('picker-choice').check();
    await picker.getByTestId('dialog-submit').click();
    await picker.waitFor({ state: 'detached' });
    expect(await composer.getByTestId('attach-chip').textContent()).toContain(PNG_NAME);
    await composer.getByTestId('editor-submit').click();
    await page.getByTestId('thread-title').filter({ hasText: '通江县窗口布局调整' }).waitFor();
    const threadUrl = page.url();

    const p = li.page;
    await p.goto(threadUrl);
    const attachment = p.getByTestId('thread-attachments').getByTestId('attachment');
    await attachment.waitFor();
    expect(await attachment.getByTestId('attachment-download').textContent()).toBe(PNG_NAME);
    await expect.poll(() => attachment.locator('img').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await attachment.getByTestId('attachment-thumb').click();
    await p.getByTestId('preview-dialog').getByTestId('preview-image').waitFor();
    await p.getByTestId('preview-dialog').getByTestId('dialog-close').click();
    await p.getByTestId('preview-dialog').waitFor({ state: 'detached' });

    // Search finds the file by a word of its name, as 文件, leading to the group library.
    await p.getByTestId('header-search').fill('示意图');
    await p.getByTestId('header-search').press('Enter');
    const hit = p.locator('[data-testid=search-result][data-type=DOCUMENT]');
    await hit.waitFor();
    expect(await hit.getByTestId('result-type').textContent()).toBe('文件');
    expect(await hit.getByTestId('result-title').locator('mark').first().textContent()).toBe('示意图');
    expect(await hit.getByTestId('result-download').getAttribute('href')).toMatch(/^\/files\//);
    await hit.getByTestId('result-link').click();
    await p.locator(`[data-testid=lib-doc][data-name="${PNG_NAME}"]`).waitFor();

    expect(gou.errors).toEqual([]);
    expect(li.errors).toEqual([]);
  });

  test('李劲松 asks 苟晓燕 for a document; she answers from the notification with a file; he marks it 已找到', async () => {
    const p = li.page;
    await p.goto(`/#/groups/${groupId}/files`);
    await p.getByTestId('docs-tab-requests').click();
    await p.getByTestId('requests').waitFor();
    await p.getByTestId('request-new').click();
    const form = p.getByTestId('request-dialog');
    await form.getByTestId('request-title-input').fill(REQUEST_TITLE);
    await form.getByTestId('request-details-input').fill('下周三县一区交流会议要用，PDF 或图片均可。');
    const addressee = form.getByTestId('request-addressee-input');
    await expect.poll(() => addressee.isEnabled()).toBe(true);
    await addressee.selectOption({ value: ids.gouxiaoyan });
    // Tomorrow (Beijing), from the date field.
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 86_400_000));
    await form.getByTestId('request-due-input').fill(tomorrow);
    await form.getByTestId('dialog-submit').click();
    await form.waitFor({ state: 'detached' });
    const card = p.getByTestId('request').filter({ hasText: REQUEST_TITLE });
    await card.waitFor();
    expect(await card.getByTestId('request-status').textContent()).toBe('寻找中');
    expect(await card.getByTestId('request-addressee').textContent()).toBe('苟晓燕');
    expect(await card.getByTestId('request-answer').count()).toBe(0);

    // 苟晓燕: the bell, the notification, and the request highlighted in the group.
    const g = gou.page;
    await g.goto('/#/notifications');
    await expect.poll(() => bell(g)).toBeGreaterThan(0);
    const note = g.getByTestId('notification').filter({ hasText: '李劲松 向您索要文件' }).first();
    await note.waitFor();
    await note.getByTestId('notification-link').click();
    const mine = g.locator('[data-testid=request][data-status=OPEN]').filter({ hasText: REQUEST_TITLE });
    await mine.waitFor();
    expect(g.url()).toContain(`/groups/${groupId}/requests?request=`);
    expect(await mine.getByTestId('request-fulfilled').count()).toBe(0);

    // It is listed under 向我索要的资料 too.
    await g.goto('/#/my/requests');
    await g.getByTestId('my-request-list').getByTestId('request').filter({ hasText: REQUEST_TITLE }).waitFor();

    // She answers with a new file uploaded from the picker, and a note.
    await g.getByTestId('request').filter({ hasText: REQUEST_TITLE }).getByTestId('request-answer').click();
    const answer = g.getByTestId('answer-dialog');
    await answer.getByTestId('picker-upload-input').setInputFiles({ name: '一窗受理流程.txt', mimeType: 'text/plain', buffer: Buffer.from('受理 → 审核 → 办结 → 出件\n') });
    await answer.locator('[data-testid=picker-item][data-name="一窗受理流程.txt"] input:checked').waitFor();
    await answer.getByTestId('answer-note').fill('流程图先用文字版，正式版下周补上。');
    await answer.getByTestId('answer-note').press('Control+Enter');
    await answer.waitFor({ state: 'detached' });
    const answered = g.getByTestId('request').filter({ hasText: REQUEST_TITLE });
    await answered.getByTestId('request-answer-note').filter({ hasText: '流程图先用文字版' }).waitFor();

    // 李劲松 is notified, sees the answer with its file, and marks it 已找到.
    await p.goto('/#/notifications');
    const answeredNote = p.getByTestId('notification').filter({ hasText: '苟晓燕 回复了您的文件请求' }).first();
    await answeredNote.waitFor();
    await answeredNote.getByTestId('notification-link').click();
    const his = p.locator('[data-testid=request]').filter({ hasText: REQUEST_TITLE });
    await his.getByTestId('request-answer-file').getByTestId('attachment-download').filter({ hasText: '一窗受理流程.txt' }).waitFor();
    const [download] = await Promise.all([p.waitForEvent('download'), his.getByTestId('attachment-download').click()]);
    expect(await fs.readFile((await download.path())!, 'utf8')).toBe('受理 → 审核 → 办结 → 出件\n');
    await his.getByTestId('request-fulfilled').click();
    await p.locator('[data-testid=request][data-status=FULFILLED]').filter({ hasText: REQUEST_TITLE }).getByTestId('request-status').filter({ hasText: '已找到' }).waitFor();

    // Ended: gone from the open list, back with 显示已结束, and no longer in 向我索要的资料.
    await p.goto(`/#/groups/${groupId}/requests`);
    await p.getByTestId('requests').waitFor();
    await expect.poll(() => p.getByTestId('request').filter({ hasText: REQUEST_TITLE }).count()).toBe(0);
    await p.getByTestId('requests-show-closed').check();
    await p.locator('[data-testid=request][data-status=FULFILLED]').filter({ hasText: REQUEST_TITLE }).waitFor();
    await g.reload();
    await g.getByTestId('my-requests-page').getByTestId('empty').filter({ hasText: '目前没有同事向您索要资料' }).waitFor();

    expect(gou.errors).toEqual([]);
    expect(li.errors).toEqual([]);
  });
});

describe('an upload over the size limit', () => {
  let small: TestApp;

  beforeAll(async () => {
    // Only the limit differs; startTestApp gives the store its own temp folder.
    small = await startTestApp({ storage: { maxUploadBytes: 1024 * 1024 } as Config['storage'] });
  });

  afterAll(async () => {
    await small?.close();
  });

  test('a 3 MB PDF is refused with the limit in Chinese, and nothing is listed', async () => {
    const { page, errors } = await openAs('gouxiaoyan', '苟晓燕', small);
    await page.goto(`/#/groups/${groupId}/files`);
    await page.getByTestId('lib-status').getByTestId('empty').waitFor();
    const name = '年度工作总结（扫描件）.pdf';
    await page.getByTestId('lib-upload-input').setInputFiles({ name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x20)]) });
    const row = page.locator(`[data-testid=upload-item][data-name="${name}"][data-state=failed]`);
    await row.waitFor();
    expect(await row.getByTestId('upload-status').textContent()).toBe(`“${name}”无法上传：文件大小 3 MB，超过了单个文件 1 MB 的上限`);
    await page.reload();
    await page.getByTestId('lib-status').getByTestId('empty').waitFor();
    expect(await page.getByTestId('lib-doc').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
