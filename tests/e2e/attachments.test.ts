/**
 * Browser test of attachments in chat and meeting notices against the real server (fresh
 * PostgreSQL with the demo data; files on a temp disk store): 李劲松 uploads a text file and an
 * image from the composer's 附件 into 政务服务工作交流's library and sends them with no text;
 * 程永, who has the conversation open, sees them arrive live (live events carry no attachments:
 * the page fetches them after the event), downloads the text and previews the image. In the
 * private chat with 苟晓燕 the file goes to the chat's own files (conversationId) and can be picked
 * again from there. A meeting notice with the text attached shows it to the invitee 程永.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';
import { png } from '../helpers/files.js';

const DEMO_GROUP = '政务服务工作交流';
const TXT_NAME = '巴中市政务服务事项目录.txt';
const TXT_BODY = '巴中市政务服务事项目录（2026 年版）\n一、行政许可 212 项\n二、公共服务 97 项\n';
const PNG_NAME = '大厅功能分区图.png';
const DIRECT_NAME = '督查通报草稿.txt';
const DIRECT_BODY = '督查通报（草稿）\n请苟晓燕同志核对通江县数据。\n';
const MEETING_TITLE = '政务服务事项目录修订会';

let app: TestApp;
const session = new BrowserSession(() => app);
const { tokens, ids, api, signIn } = apiClient(() => app);
let groupConversationId: string;
let directConversationId: string;

/** A datetime-local value `days` from now at `hour`:00, Beijing time. */
function beijing(days: number, hour: number): string {
  const day = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan'].map(signIn));
  const { myGroups } = await api<{ myGroups: Array<{ name: string; conversation: { id: string } }> }>('lijinsong', `{ myGroups { name conversation { id } } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP);
  if (!demo) throw new Error('李劲松 is not in the demo group of the test database');
  groupConversationId = demo.conversation.id;
  const { openDirectConversation } = await api<{ openDirectConversation: { id: string } }>('lijinsong', `mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: ids.gouxiaoyan });
  directConversationId = openDirectConversation.id;
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('attachments in chat and meeting notices', () => {
  let li: Opened;
  let cheng: Opened;

  beforeAll(async () => {
    [li, cheng] = await Promise.all([openAs('lijinsong', '李劲松'), openAs('chengyong', '程永')]);
  });

  test('李劲松 sends files without text in 政务服务工作交流; 程永 sees them arrive live, downloads one and previews the other', async () => {
    // 程永 has the conversation open before anything is sent.
    const c = cheng.page;
    await c.goto(`/#/chat/${groupConversationId}`);
    await c.getByTestId('message-list').waitFor();
    await c.getByTestId('message').first().waitFor();

    const p = li.page;
    await p.goto(`/#/chat/${groupConversationId}`);
    const composer = p.getByTestId('composer');
    await composer.getByTestId('composer-input').waitFor();
    await composer.getByTestId('attach-add').click();
    const picker = p.getByTestId('attach-picker');
    // The group's library is empty: both files are uploaded from the picker, and come back chosen.
    await picker.getByTestId('picker-breadcrumb').filter({ hasText: '群文件' }).waitFor();
    await picker.getByTestId('picker-upload-input').setInputFiles([
      { name: TXT_NAME, mimeType: 'text/plain', buffer: Buffer.from(TXT_BODY) },
      { name: PNG_NAME, mimeType: 'image/png', buffer: png() },
    ]);
    await picker.locator(`[data-testid=picker-item][data-name="${TXT_NAME}"] input:checked`).waitFor();
    await picker.locator(`[data-testid=picker-item][data-name="${PNG_NAME}"] input:checked`).waitFor();
    await picker.getByTestId('dialog-submit').click();
    await picker.waitFor({ state: 'detached' });
    await expect.poll(() => composer.getByTestId('attach-chip').count()).toBe(2);
    expect(await composer.getByTestId('attach-add').textContent()).toBe('附件（2）');

    // A chip removed and added back: the × works, the picker keeps the library's files.
    await composer.locator(`[data-testid=attach-chip]`).filter({ hasText: PNG_NAME }).getByTestId('attach-remove').click();
    await expect.poll(() => composer.getByTestId('attach-chip').count()).toBe(1);
    await composer.getByTestId('attach-add').click();
    await picker.locator(`[data-testid=picker-item][data-name="${PNG_NAME}"]`).getByTestId('picker-choice').check();
    await picker.getByTestId('dialog-submit').click();
    await picker.waitFor({ state: 'detached' });
    await expect.poll(() => composer.getByTestId('attach-chip').count()).toBe(2);

    // No text at all: the files alone are sent.
    expect(await composer.getByTestId('composer-input').inputValue()).toBe('');
    // 程永's page asks for the new message's files once the event is in (events carry none).
    const asked = c.waitForRequest((r) => r.url().endsWith('/graphql') && (r.postData() ?? '').includes('MessageAttachments'));
    await composer.getByTestId('send').click();
    const own = p.locator('[data-testid=message][data-author-id="' + ids.lijinsong + '"]').filter({ has: p.getByTestId('message-attachments') }).last();
    await own.getByTestId('attachment-download').filter({ hasText: TXT_NAME }).waitFor();
    expect(await own.getByTestId('message-body').count()).toBe(0);
    await expect.poll(() => composer.getByTestId('attach-chip').count()).toBe(0);
    expect(await composer.getByTestId('attach-add').textContent()).toBe('附件');

    // 程永: the message arrives live, then its files, without reloading.
    const arrived = c.locator(`[data-testid=message][data-author-id="${ids.lijinsong}"]`).filter({ has: c.getByTestId('message-attachments') }).last();
    const link = arrived.getByTestId('attachment-download').filter({ hasText: TXT_NAME });
    await asked;
    await link.waitFor();
    expect(await arrived.getByTestId('attachment').count()).toBe(2);
    expect(await link.getAttribute('href')).toMatch(/^\/files\//);
    const [download] = await Promise.all([c.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(TXT_NAME);
    expect(await fs.readFile((await download.path())!, 'utf8')).toBe(TXT_BODY);

    // The image shows as a thumbnail (…?inline=1) that opens the preview.
    const image = arrived.locator(`[data-testid=attachment]`).filter({ hasText: PNG_NAME });
    expect(await image.locator('img').getAttribute('src')).toMatch(/^\/files\/[^?]+\?inline=1$/);
    await expect.poll(() => image.locator('img').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await image.getByTestId('attachment-thumb').click();
    const preview = c.getByTestId('preview-dialog');
    await expect.poll(() => preview.getByTestId('preview-image').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await c.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });

    // The conversation list shows a file-only message as [文件].
    const row = c.getByTestId('chat-sidebar').getByTestId('conversation-item').filter({ has: c.getByTestId('conversation-name').filter({ hasText: DEMO_GROUP }) }).first();
    await expect.poll(() => row.locator('.conv-preview').textContent()).toContain('李劲松：[文件]');

    // After a reload (history) the files are still there.
    await c.goto(`/#/chat/${groupConversationId}`);
    await c.locator(`[data-testid=message][data-author-id="${ids.lijinsong}"]`).getByTestId('attachment-download').filter({ hasText: TXT_NAME }).last().waitFor();

    expect(li.errors).toEqual([]);
    expect(cheng.errors).toEqual([]);
  });

  test('in the private chat with 苟晓燕 a file is uploaded to the chat’s own files and can be picked again from there', async () => {
    const p = li.page;
    await p.goto(`/#/chat/${directConversationId}`);
    const composer = p.getByTestId('composer');
    await composer.getByTestId('composer-input').waitFor();
    await composer.getByTestId('attach-add').click();
    const picker = p.getByTestId('attach-picker');
    await picker.getByTestId('picker-breadcrumb').filter({ hasText: '会话文件' }).waitFor();
    await picker.getByTestId('picker-upload-input').setInputFiles({ name: DIRECT_NAME, mimeType: 'text/plain', buffer: Buffer.from(DIRECT_BODY) });
    await picker.locator(`[data-testid=picker-item][data-name="${DIRECT_NAME}"] input:checked`).waitFor();
    // The group's files are not offered here.
    expect(await picker.locator(`[data-testid=picker-item][data-name="${TXT_NAME}"]`).count()).toBe(0);
    await picker.getByTestId('dialog-submit').click();
    await picker.waitFor({ state: 'detached' });
    await composer.getByTestId('composer-input').fill('草稿请核对');
    await composer.getByTestId('composer-input').press('Enter');
    const sent = p.locator('[data-testid=message]').filter({ hasText: '草稿请核对' }).last();
    await sent.getByTestId('attachment-download').filter({ hasText: DIRECT_NAME }).waitFor();

    // Listed among the chat's files (Conversation.documents) for the next message.
    await composer.getByTestId('attach-add').click();
    await picker.locator(`[data-testid=picker-item][data-name="${DIRECT_NAME}"]`).waitFor();
    await picker.getByTestId('dialog-close').click();
    await picker.waitFor({ state: 'detached' });

    // 苟晓燕 downloads it (with her own session).
    const { conversation } = await api<{ conversation: { messages: { edges: Array<{ node: { attachments: Array<{ version: { name: string; downloadPath: string } }> } }> } } }>(
      'gouxiaoyan',
      `query($c: ID!) { conversation(id: $c) { messages(first: 5) { edges { node { attachments { version { name downloadPath } } } } } } }`,
      { c: directConversationId },
    );
    const file = conversation.messages.edges.flatMap((e) => e.node.attachments).find((a) => a.version.name === DIRECT_NAME);
    expect(file).toBeTruthy();
    const response = await fetch(`${app.url}${file!.version.downloadPath}`, { headers: { authorization: `Bearer ${tokens.gouxiaoyan}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(DIRECT_BODY);

    expect(li.errors).toEqual([]);
  });

  test('a meeting notice with a file from the group library shows it to the invitee 程永', async () => {
    const p = li.page;
    await p.getByTestId('nav-meetings').click();
    await p.getByTestId('meeting-group-link').filter({ hasText: DEMO_GROUP }).click();
    await p.getByTestId('meeting-new').click();
    await p.getByTestId('input-title').fill(MEETING_TITLE);
    await p.getByTestId('input-startsAt').fill(beijing(4, 9));
    await p.getByTestId('input-endsAt').fill(beijing(4, 11));
    await p.getByTestId('input-place').fill('巴中市政务服务中心二楼会议室');
    await p.getByTestId('scope-members').check();
    await p.locator(`[data-testid=member-option][value="${ids.chengyong}"]`).check();
    const field = p.getByTestId('meeting-attachments-field');
    await field.getByTestId('attach-add').click();
    const picker = p.getByTestId('attach-picker');
    await picker.locator(`[data-testid=picker-item][data-name="${TXT_NAME}"]`).getByTestId('picker-choice').check();
    await picker.getByTestId('dialog-submit').click();
    await picker.waitFor({ state: 'detached' });
    await field.getByTestId('attach-chip').filter({ hasText: TXT_NAME }).waitFor();
    await p.getByTestId('meeting-submit').click();
    await p.getByTestId('meeting-page').getByRole('heading', { name: MEETING_TITLE }).waitFor();
    await p.getByTestId('meeting-attachments').getByTestId('attachment-download').filter({ hasText: TXT_NAME }).waitFor();
    const meetingUrl = p.url();

    // The edit form starts from the attached file.
    await p.getByTestId('meeting-edit').click();
    await p.getByTestId('meeting-attachments-field').getByTestId('attach-chip').filter({ hasText: TXT_NAME }).waitFor();

    // 程永 opens the notice and downloads the file.
    const c = cheng.page;
    await c.goto(meetingUrl);
    const files = c.getByTestId('meeting-attachments');
    const link = files.getByTestId('attachment-download').filter({ hasText: TXT_NAME });
    await link.waitFor();
    const [download] = await Promise.all([c.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(TXT_NAME);
    expect(await fs.readFile((await download.path())!, 'utf8')).toBe(TXT_BODY);

    expect(li.errors).toEqual([]);
    expect(cheng.errors).toEqual([]);
  });
});
