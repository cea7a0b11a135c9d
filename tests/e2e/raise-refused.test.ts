/**
 * 提高密级 refused by the server: the message was recalled while the owner had the dialog open.
 * The dialog stays open and says why, in Chinese, and nothing is raised.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, makeGroup } = apiClient(() => app);
let conversationId: string;

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong'].map(signIn));
  ({ conversationId } = await makeGroup('lijinsong', '提密拒绝测试群', ['chengyong'], { purpose: '测试提高密级', rules: '遵守保密守则。' }));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('提高密级 refused', () => {
  test('the message is recalled while the dialog is open: the dialog shows the server’s reason in Chinese', async () => {
    const { sendMessage } = await api<{ sendMessage: { id: string } }>(
      'chengyong',
      `mutation($c: ID!) { sendMessage(conversationId: $c, body: "这条马上撤回", clientMessageId: "raise-refused-1") { id } }`,
      { c: conversationId },
    );
    const { page, errors } = await session.openAs('lijinsong', '李劲松');
    await page.goto(`/#/chat/${conversationId}`);
    const item = page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText('这条马上撤回', { exact: true }) });
    await item.hover();
    await item.getByTestId('action-raise').click();
    const dialog = page.getByTestId('raise-dialog');
    await dialog.waitFor();

    await api('chengyong', `mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: sendMessage.id });
    await dialog.getByTestId('raise-confirm').click();
    const error = dialog.getByTestId('raise-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('消息已撤回，不能提高保密级别');
    expect(await error.getAttribute('role')).toBe('alert');
    // Still open, and the confirm button usable again (cancel closes it).
    expect(await dialog.getByTestId('raise-confirm').isEnabled()).toBe(true);
    await dialog.getByTestId('raise-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    const { message } = await api<{ message: { confidentiality: string } }>('lijinsong', `query($m: ID!) { message(id: $m) { confidentiality } }`, { m: sendMessage.id });
    expect(message.confidentiality).toBe('NORMAL');
    expect(errors).toEqual([]);
  });
});
