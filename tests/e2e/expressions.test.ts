/**
 * Browser test of expressions drawn without any emoji font: the classic expressions (经典表情) in a
 * message, the reactions under it and the picker's choices are Jiaoliu's own pictures (<img> of
 * an SVG with a Chinese name), not characters a PC without a colour-emoji font draws as boxes;
 * the picker's headings are Chinese; the composer's 表情 and 附件 buttons draw their icons the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';

const GROUP_NAME = '表情测试群';
const TEXT = '材料已收到[抱拳][微笑]';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, makeGroup } = apiClient(() => app);
let conversationId: string;

/** Any character a font draws as an emoji (pictographs, dingbats, symbols, regional flags). */
const EMOJI_CHAR = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const CHINESE_NAME = /^[\u4e00-\u9fff]+$/;

interface Drawn {
  tag: string;
  name: string;
  loaded: boolean;
  width: number;
  height: number;
  text: string;
}

/** How each picture inside `scope` (matching `selector`) is drawn: element, name, size, and the text around it. */
function drawn(scope: Locator, selector: string): Promise<Drawn[]> {
  return scope.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const picture = el.matches('img') ? (el as HTMLImageElement) : el.querySelector('img');
      const rect = (picture ?? el).getBoundingClientRect();
      return {
        tag: picture?.tagName ?? el.tagName,
        name: picture?.alt ?? '',
        loaded: !!picture && picture.complete && picture.naturalWidth > 0,
        width: rect.width,
        height: rect.height,
        text: el.textContent ?? '',
      };
    }),
  );
}

function expectPictures(list: Drawn[], count: number): void {
  expect(list).toHaveLength(count);
  for (const d of list) {
    expect(d.tag).toBe('IMG');
    expect(d.loaded).toBe(true);
    expect(d.width).toBeGreaterThan(8);
    expect(d.height).toBeGreaterThan(8);
    expect(d.name).toMatch(CHINESE_NAME);
    // Nothing left for a font to draw as an emoji.
    expect(d.text).not.toMatch(EMOJI_CHAR);
  }
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong'].map(signIn));
  ({ conversationId } = await makeGroup('lijinsong', GROUP_NAME, ['chengyong'], { purpose: '测试表情', rules: '文明交流。' }));
  const { sendMessage } = await api<{ sendMessage: { id: string } }>('chengyong', `mutation($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: "expr-0001") { id } }`, { c: conversationId, b: TEXT });
  for (const emoji of ['[点赞]', '👍', '❤️']) await api('chengyong', `mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }`, { m: sendMessage.id, e: emoji });
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

const message = (page: Page) => page.getByTestId('message').filter({ hasText: '材料已收到' });

describe('expressions without an emoji font', () => {
  test('classic expressions and reactions are pictures with Chinese names; the picker reads 经典表情 and 表情', async () => {
    const { page, errors } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 800 } });
    await page.goto(`/#/chat/${conversationId}`);
    const item = message(page);
    await item.getByTestId('reaction').nth(2).waitFor();

    // In the text: [抱拳] and [微笑] as pictures named 抱拳 and 微笑.
    const inBody = await drawn(item.getByTestId('message-body'), '.expr');
    expectPictures(inBody, 2);
    expect(inBody.map((d) => d.name)).toEqual(['抱拳', '微笑']);
    expect(await item.getByTestId('message-body').textContent()).not.toMatch(EMOJI_CHAR);

    // Reactions: [点赞], 👍 and ❤️ each as a picture with its Chinese name.
    const chips = await drawn(item.getByTestId('reactions'), '[data-testid=reaction]');
    expectPictures(chips, 3);
    expect(chips.map((d) => d.name)).toEqual(['点赞', '赞', '爱心']);
    expect(await item.getByTestId('reaction').first().getAttribute('aria-label')).toMatch(/^点赞 1 人：程永/);

    // The reaction picker: Chinese headings; every classic expression a named picture.
    await item.hover();
    await item.getByTestId('action-react').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.waitFor();
    expect(await picker.locator('.picker-heading').allTextContents()).toEqual(['经典表情', '表情']);
    expectPictures(await drawn(picker, '.picker-classic'), 15);
    // The one-tap reactions offered there are pictures too; every other emoji has a Chinese name.
    for (const code of ['👍', '👏', '❤️', '😄']) expectPictures(await drawn(picker, `[data-testid=emoji-choice][data-code="${code}"]`), 1);
    const labels = await picker.getByTestId('emoji-choice').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
    for (const label of labels) expect(label).toMatch(CHINESE_NAME);

    // Picking one still reacts.
    await picker.locator('[data-code="[收到]"]').click();
    const received = item.locator('[data-testid=reaction][data-emoji="[收到]"]');
    await received.waitFor();
    expectPictures(await drawn(item.getByTestId('reactions'), '[data-testid=reaction][data-emoji="[收到]"]'), 1);
    expect(errors).toEqual([]);
  });

  test("the composer's 表情 and 附件 buttons draw their icons as pictures, not emoji characters", async () => {
    const { page, errors } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 800 } });
    await page.goto(`/#/chat/${conversationId}`);
    await page.getByTestId('composer-input').waitFor();
    for (const [testId, text] of [['emoji-button', '表情'], ['attach-add', '附件']] as const) {
      const button = page.getByTestId(testId);
      expect((await button.textContent())?.trim()).toBe(text);
      const [picture] = await drawn(button, 'img');
      expect(picture).toMatchObject({ tag: 'IMG', loaded: true });
      expect(picture.width).toBeGreaterThan(8);
    }
    expect(errors).toEqual([]);
  });
});
