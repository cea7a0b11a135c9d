/**
 * Browser tests of the chat UI against the real server (fresh PostgreSQL with the demo data):
 * two officials in two browser contexts chat live (send both ways, react, recall), mentions with
 * autocomplete raise the unread badge and @ marker, a dropped connection catches up without a
 * reload, older history loads on scroll, and a private chat starts from a profile.
 * The groups these tests use are made through the API, so they do not depend on the demo group.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { CLASSIC_EXPRESSIONS as SERVER_EXPRESSIONS } from '../../server/modules/chat/messages.js';
import { CLASSIC_EXPRESSIONS as WEB_EXPRESSIONS } from '../../web/src/chat/emoji.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

const GROUP_NAME = '实时交流测试群';

let app: TestApp;
const session = new BrowserSession(() => app);
const { ids, api, signIn, sendByApi, ...client } = apiClient(() => app);
let conversationId: string;

/** An invite-only group owned by `owner`, with `members` invited and accepted. */
const makeGroup = (owner: string, name: string, members: string[]) => client.makeGroup(owner, name, members, { purpose: '测试实时消息', rules: '实名发言，围绕工作交流。' });

/** A browser context of its own (cookies), signed in through the login page. */
const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 800 } });

/** Opens a conversation and waits until its history is shown; marks the window to detect reloads. */
async function openConversation(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`/#/chat/${id}`);
  await page.getByTestId('conversation-title').filter({ hasText: title }).waitFor();
  await page.getByTestId('composer-input').waitFor();
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
}

async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByTestId('composer-input');
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

/** The message whose body is exactly `text`. */
function message(page: Page, text: string) {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });
}

/** The total unread count in the navigation (0 when the badge is hidden). */
async function navUnread(page: Page): Promise<number> {
  const badge = page.getByTestId('nav-unread');
  return (await badge.isHidden()) ? 0 : Number(await badge.textContent());
}

async function bodies(page: Page): Promise<string[]> {
  return page.getByTestId('message-body').allTextContents();
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan'].map(signIn));
  ({ conversationId } = await makeGroup('lijinsong', GROUP_NAME, ['chengyong']));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('chat in the browser', () => {
  let li: Opened;
  let cheng: Opened;

  beforeAll(async () => {
    [li, cheng] = await Promise.all([openAs('lijinsong', '李劲松'), openAs('chengyong', '程永')]);
  });

  test('李劲松 and 程永 chat live: messages both ways, a reaction, a recall', async () => {
    await Promise.all([openConversation(li.page, conversationId, GROUP_NAME), openConversation(cheng.page, conversationId, GROUP_NAME)]);
    await cheng.page.getByTestId('messages-empty').waitFor();

    // 李劲松 → 程永, live.
    await send(li.page, '各位好，明天上午九点在三楼会议室开会');
    const onCheng = message(cheng.page, '各位好，明天上午九点在三楼会议室开会');
    await onCheng.waitFor();
    expect(await onCheng.getByTestId('message-author').textContent()).toBe('李劲松');
    expect(await onCheng.textContent()).toContain('巴中市政务服务中心');
    // The sender's copy is the stored message, not a pending one.
    await message(li.page, '各位好，明天上午九点在三楼会议室开会').waitFor();
    await expect.poll(() => li.page.getByTestId('message-pending').count()).toBe(0);

    // 程永 → 李劲松, with a classic expression drawn as such.
    await send(cheng.page, '收到，准时参加[抱拳]');
    const reply = li.page.getByTestId('message').filter({ hasText: '收到，准时参加' });
    await reply.waitFor();
    expect(await reply.getByTestId('message-author').textContent()).toBe('程永');
    expect(await reply.locator('.expr[data-expr="[抱拳]"]').count()).toBe(1);
    expect(await reply.locator('.expr[data-expr="[抱拳]"] img').getAttribute('alt')).toBe('抱拳');
    expect(await bodies(li.page)).toEqual(['各位好，明天上午九点在三楼会议室开会', '收到，准时参加抱拳']);

    // 程永 reacts with [点赞] from the picker; 李劲松 sees the count and who.
    await onCheng.hover();
    await onCheng.getByTestId('action-react').click();
    await cheng.page.getByTestId('emoji-picker').locator('[data-code="[点赞]"]').click();
    const chipOnLi = message(li.page, '各位好，明天上午九点在三楼会议室开会').locator('[data-testid=reaction][data-emoji="[点赞]"]');
    await chipOnLi.waitFor();
    expect(await chipOnLi.getByTestId('reaction-count').textContent()).toBe('1');
    expect(await chipOnLi.getAttribute('title')).toContain('程永');
    expect(await chipOnLi.getAttribute('aria-pressed')).toBe('false');

    // 李劲松 adds the same one by clicking the chip: 2 on both pages.
    await chipOnLi.click();
    await expect.poll(() => chipOnLi.getByTestId('reaction-count').textContent()).toBe('2');
    expect(await chipOnLi.getAttribute('aria-pressed')).toBe('true');
    const chipOnCheng = onCheng.locator('[data-testid=reaction][data-emoji="[点赞]"]');
    await expect.poll(() => chipOnCheng.getByTestId('reaction-count').textContent()).toBe('2');
    expect(await chipOnCheng.getAttribute('title')).toMatch(/程永、李劲松|李劲松、程永/);

    // Only the author may edit or recall.
    await onCheng.hover();
    expect(await onCheng.getByTestId('action-recall').count()).toBe(0);
    expect(await onCheng.getByTestId('action-edit').count()).toBe(0);

    // 李劲松 recalls his message; 程永 sees the notice instead of the text.
    const mine = message(li.page, '各位好，明天上午九点在三楼会议室开会');
    await mine.hover();
    await mine.getByTestId('action-recall').click();
    const notice = cheng.page.getByTestId('message-recalled').filter({ hasText: '李劲松 撤回了一条消息' });
    await notice.waitFor();
    expect(await cheng.page.getByText('各位好，明天上午九点在三楼会议室开会').count()).toBe(0);
    await li.page.getByTestId('message-recalled').filter({ hasText: '李劲松 撤回了一条消息' }).waitFor();
    // 程永 may recall his own.
    const chengsOwn = cheng.page.getByTestId('message').filter({ hasText: '收到，准时参加' });
    await chengsOwn.hover();
    expect(await chengsOwn.getByTestId('action-recall').count()).toBe(1);

    expect(await notReloaded(li.page)).toBe(true);
    expect(await notReloaded(cheng.page)).toBe(true);
    expect(li.errors).toEqual([]);
    expect(cheng.errors).toEqual([]);
  });

  test('a reply quotes, an edit shows everywhere, typing is shown', async () => {
    await send(li.page, '材料请在周五前报送');
    const original = message(cheng.page, '材料请在周五前报送');
    await original.waitFor();
    await original.hover();
    await original.getByTestId('action-reply').click();
    await cheng.page.getByTestId('reply-preview').filter({ hasText: '李劲松' }).waitFor();
    // The server passes on at most one typing signal per person every 2 s (程永 typed in the last test).
    await cheng.page.waitForTimeout(2100);
    await cheng.page.getByTestId('composer-input').pressSequentially('好的');
    // 李劲松 sees that 程永 is typing.
    await li.page.getByTestId('typing').filter({ hasText: '程永 正在输入…' }).waitFor();
    await cheng.page.getByTestId('composer-input').press('Enter');
    const replyOnLi = message(li.page, '好的');
    await replyOnLi.waitFor();
    expect(await replyOnLi.getByTestId('message-quote').textContent()).toBe('李劲松：材料请在周五前报送');

    // 李劲松 edits within the window; 程永 sees the new text and the quote follows.
    const own = message(li.page, '材料请在周五前报送');
    await own.hover();
    await own.getByTestId('action-edit').click();
    await li.page.getByTestId('edit-input').fill('材料请在周四前报送');
    await li.page.getByTestId('edit-input').press('Enter');
    const edited = message(cheng.page, '材料请在周四前报送');
    await edited.waitFor();
    expect(await edited.getByTestId('message-edited').count()).toBe(1);
    await expect.poll(() => message(cheng.page, '好的').getByTestId('message-quote').textContent()).toBe('李劲松：材料请在周四前报送');
  });

  test('an @mention chosen from the autocomplete raises the unread badge and @ marker; reading clears them', async () => {
    // 程永 leaves the conversation for the list: new messages there are unread for him.
    await cheng.page.goto('/#/chat');
    await cheng.page.getByTestId('chat-placeholder').waitFor();
    const item = cheng.page.locator(`[data-testid=conversation-item][data-conversation-id="${conversationId}"]`);
    await item.waitFor();
    await expect.poll(() => item.getByTestId('unread-badge').count()).toBe(0);
    // Other conversations (the demo data) may have unread messages of their own.
    const unreadBefore = await navUnread(cheng.page);

    const box = li.page.getByTestId('composer-input');
    await box.fill('');
    await box.pressSequentially('@程');
    const option = li.page.getByTestId('mention-option').filter({ hasText: '程永' });
    await option.waitFor();
    // @全体成员 is offered to the owner.
    await box.press('Backspace');
    await li.page.getByTestId('mention-option').filter({ hasText: '@全体成员' }).waitFor();
    await box.pressSequentially('chengy');
    await li.page.getByTestId('mention-option').filter({ hasText: '程永' }).waitFor();
    await box.press('Enter');
    expect(await box.inputValue()).toBe('@程永 ');
    await box.pressSequentially('请确认参会名单');
    await box.press('Enter');
    await message(li.page, '@程永 请确认参会名单').waitFor();

    await expect.poll(() => item.getByTestId('unread-badge').textContent()).toBe('1');
    expect(await item.getByTestId('mention-marker').count()).toBe(1);
    await expect.poll(() => navUnread(cheng.page)).toBe(unreadBefore + 1);
    expect(await item.textContent()).toContain('李劲松：@程永 请确认参会名单');

    // Opening it shows the mention highlighted for him and marks it read.
    await item.click();
    const mentioned = message(cheng.page, '@程永 请确认参会名单');
    await mentioned.waitFor();
    expect(await mentioned.locator('.mention-me').textContent()).toBe('@程永');
    await expect.poll(() => item.getByTestId('unread-badge').count()).toBe(0);
    await expect.poll(() => navUnread(cheng.page)).toBe(unreadBefore);
    // The server agrees (markRead follows the badge by a moment).
    const counts = async () =>
      (await api<{ conversation: { unreadCount: number; mentionCount: number } }>('chengyong', `query($c: ID!) { conversation(id: $c) { unreadCount mentionCount } }`, { c: conversationId })).conversation;
    await expect.poll(counts).toEqual({ unreadCount: 0, mentionCount: 0 });
  });

  test('the page survives a dropped connection and catches up, in order, without a reload', async () => {
    await openConversation(cheng.page, conversationId, GROUP_NAME);
    await message(cheng.page, '@程永 请确认参会名单').waitFor();
    const banner = cheng.page.getByTestId('connection-banner');
    let sockets = 0;
    cheng.page.on('websocket', () => (sockets += 1));

    await cheng.context.setOffline(true);
    await banner.filter({ hasText: '连接已断开，正在重连…' }).waitFor();

    await send(li.page, '断线期间第一条：会议改到下午两点');
    await send(li.page, '断线期间第二条：请带上季度报表');
    await message(li.page, '断线期间第二条：请带上季度报表').waitFor();
    await expect.poll(() => li.page.getByTestId('message-pending').count()).toBe(0);
    // Nothing reaches the offline page.
    await cheng.page.waitForTimeout(1000);
    expect(await cheng.page.getByText('断线期间第一条：会议改到下午两点').count()).toBe(0);

    await cheng.context.setOffline(false);
    await message(cheng.page, '断线期间第二条：请带上季度报表').waitFor({ timeout: 20_000 });
    await message(cheng.page, '断线期间第一条：会议改到下午两点').waitFor();
    const texts = await bodies(cheng.page);
    const first = texts.indexOf('断线期间第一条：会议改到下午两点');
    const second = texts.indexOf('断线期间第二条：请带上季度报表');
    expect(first).toBeGreaterThan(-1);
    expect(second).toBe(first + 1);
    expect(texts.filter((t) => t.startsWith('断线期间')).length).toBe(2);
    await banner.filter({ hasText: '已恢复' }).waitFor();
    // It came back over a new connection, not by reloading the page.
    expect(sockets).toBeGreaterThanOrEqual(1);
    expect(await notReloaded(cheng.page)).toBe(true);

    // The seqs shown are gapless, and live delivery works again both ways.
    const seqs = (await cheng.page.locator('[data-testid=message-list] > li[data-seq]').evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.seq))));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    await send(cheng.page, '网络恢复了，收到');
    await message(li.page, '网络恢复了，收到').waitFor();
    await send(li.page, '好的');
    await expect.poll(() => cheng.page.getByTestId('message-body').getByText('好的', { exact: true }).count()).toBe(2);

    const unexpected = (errors: string[]) => errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed|Failed to load resource/.test(e));
    expect(unexpected(cheng.errors)).toEqual([]);
    expect(li.errors).toEqual([]);
  });

  test('a server restart (close code 1012) reconnects at once, without the backoff, and catches up', async () => {
    await openConversation(cheng.page, conversationId, GROUP_NAME);
    // The live stream is up: a message arrives without a reload.
    await sendByApi('lijinsong', conversationId, '重启之前的消息');
    await message(cheng.page, '重启之前的消息').waitFor();
    let reopenedAt = 0;
    cheng.page.on('websocket', () => (reopenedAt ||= Date.now()));

    // What a stopping instance does after its drain (server/plugins/drain.ts).
    const closedAt = Date.now();
    for (const socket of app.app.websocketServer.clients) socket.close(1012, 'Service Restart');
    await sendByApi('lijinsong', conversationId, '重启期间发送的消息：名单已更新');

    await message(cheng.page, '重启期间发送的消息：名单已更新').waitFor({ timeout: 10_000 });
    expect(reopenedAt).toBeGreaterThan(0);
    // Any other close waits 500-900 ms before the first retry (backoff(0) in web/src/chat/realtime.ts).
    expect(reopenedAt - closedAt).toBeLessThan(500);
    expect(await notReloaded(cheng.page)).toBe(true);
  });

  test('older history loads on scroll up, keeping the order', async () => {
    const { conversationId: long } = await makeGroup('lijinsong', '历史消息测试群', ['chengyong']);
    for (let i = 1; i <= 120; i += 1) await sendByApi(i % 2 ? 'lijinsong' : 'chengyong', long, `历史消息 ${i}`);
    await openConversation(cheng.page, long, '历史消息测试群');
    await message(cheng.page, '历史消息 120').waitFor();
    expect(await cheng.page.getByTestId('message').count()).toBe(50);

    const scroller = cheng.page.locator('.msg-scroll');
    for (const expected of [100, 120]) {
      await scroller.evaluate((el) => (el.scrollTop = 0));
      await expect.poll(() => cheng.page.getByTestId('message').count()).toBe(expected);
    }
    await cheng.page.getByTestId('history-start').waitFor();
    const texts = await bodies(cheng.page);
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `历史消息 ${i + 1}`));
  });

  test('发私信 from a profile opens a private chat; the other side gets it with an unread badge', async () => {
    await cheng.page.goto(`/#/users/${ids.gouxiaoyan}`);
    await cheng.page.getByTestId('send-direct').click();
    await cheng.page.waitForURL(/#\/chat\/[0-9a-f-]{36}$/);
    await cheng.page.getByTestId('conversation-title').filter({ hasText: '苟晓燕' }).waitFor();
    await send(cheng.page, '晓燕，私下问一下报表的事');

    const gou = await openAs('gouxiaoyan', '苟晓燕');
    await gou.page.goto('/#/chat');
    const item = gou.page.locator('[data-testid=conversation-item][data-kind=DIRECT]').filter({ hasText: '程永' });
    await item.waitFor();
    expect(Number(await item.getByTestId('unread-badge').textContent())).toBeGreaterThanOrEqual(1);
    await item.click();
    await message(gou.page, '晓燕，私下问一下报表的事').waitFor();
    await send(gou.page, '好的程主任');
    await message(cheng.page, '好的程主任').waitFor();
    expect(gou.errors).toEqual([]);
  });

  test('李劲松 sees his groups in the list, the demo group among them when it is seeded', async () => {
    const { myGroups } = await api<{ myGroups: Array<{ name: string }> }>('lijinsong', `{ myGroups { name } }`);
    await li.page.goto('/#/chat');
    const names = li.page.getByTestId('conversation-name');
    await names.filter({ hasText: GROUP_NAME }).waitFor();
    const shown = await names.allTextContents();
    for (const g of myGroups) expect(shown).toContain(g.name);
    if (myGroups.some((g) => g.name === '政务服务工作交流')) expect(shown).toContain('政务服务工作交流');
  });
});

test('the web draws the same classic expressions the server accepts', () => {
  expect(WEB_EXPRESSIONS.map(([code]) => code)).toEqual(SERVER_EXPRESSIONS);
});
