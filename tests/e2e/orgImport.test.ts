/**
 * The organisation import in the browser: a system admin uploads a CSV with a bad row (sees its
 * line number), fixes it, confirms, downloads the initial passwords; the new official signs in,
 * must change the password first ("请修改初始密码"), then uses the system.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BrowserSession, submitLogin } from '../helpers/browser.js';

const HEADER = '单位,上级单位,层级,姓名,登录名,职务,手机,邮箱,是否单位管理员';
const row = (phone: string) => `恩阳区政务服务中心,巴中市政务服务中心,县级,周建国,zhoujianguo,主任,${phone},zhou@enyang.gov.cn,是`;
const csv = (phone: string) => Buffer.from(`\uFEFF${HEADER}\n恩阳区政务服务中心,巴中市政务服务中心,县级,吴丽,wuli,科员,,,否\n${row(phone)}\n`, 'utf8');

let app: TestApp;
const session = new BrowserSession(() => app);

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
});
afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('组织导入', () => {
  test('a bad row is shown by its line; fixed and confirmed, the new official must change the initial password at first sign-in', async () => {
    const { page, errors } = await session.openAs('zhaomin', '赵敏', { acceptDownloads: true });
    await page.getByTestId('nav-orgImport').click();
    await page.getByTestId('import-file').setInputFiles({ name: '人员.csv', mimeType: 'text/csv', buffer: csv('1380000') });
    await page.getByTestId('import-check').click();
    const problem = page.getByTestId('import-problem');
    await problem.first().waitFor();
    expect(await problem.allTextContents()).toEqual([expect.stringMatching(/^第 3 行：手机：电话号码格式不正确/)]);
    expect(await page.getByTestId('import-confirm').count()).toBe(0);

    await page.getByTestId('import-file').setInputFiles({ name: '人员.csv', mimeType: 'text/csv', buffer: csv('13800000001') });
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-summary').textContent()).toContain('新建单位 1 个');
    expect(await page.getByTestId('import-account').allTextContents()).toEqual(['新建账号：wuli（吴丽，恩阳区政务服务中心）', '新建账号：zhoujianguo（周建国，恩阳区政务服务中心），设为单位管理员']);
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-done').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-passwords').click()]);
    const passwords = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(passwords[0]).toBe('单位,姓名,登录名,初始密码');
    const initial = passwords.find((l) => l.includes(',zhoujianguo,'))!.split(',')[3];
    expect(initial).toMatch(/^[A-Za-z2-9]{12}$/);
    expect(errors).toEqual([]);

    // The new official: signed in, but only the password change until it is done.
    const context = await session.newContext();
    const official = await context.newPage();
    await submitLogin(official, 'zhoujianguo', initial);
    await official.getByTestId('initial-password').waitFor();
    expect(await official.locator('h1').textContent()).toBe('请修改初始密码');
    await official.goto('/#/directory');
    await official.getByTestId('initial-password').waitFor();
    await official.getByTestId('input-currentPassword').fill(initial);
    await official.getByTestId('input-newPassword').fill('Enyang-2026-mine');
    await official.getByTestId('input-confirmPassword').fill('Enyang-2026-mine');
    await official.getByTestId('initial-password-submit').click();
    await official.getByTestId('viewer-name').filter({ hasText: '周建国' }).waitFor();
    await official.getByTestId('tree-item').first().waitFor();
    expect(await official.getByTestId('initial-password').count()).toBe(0);
    // A unit admin of the new unit now.
    expect(await official.getByTestId('nav-pending').count()).toBe(1);

    // The passwords file was lost: the same file again, 重发初始密码 — only wuli (never changed theirs) gets a new one.
    await page.getByTestId('import-file').setInputFiles({ name: '人员.csv', mimeType: 'text/csv', buffer: csv('13800000001') });
    await page.getByTestId('import-reissue').check();
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-account').allTextContents()).toEqual(['账号：wuli（吴丽，无变化），重发初始密码']);
    expect(await page.getByTestId('import-summary').textContent()).toContain('重发初始密码 1 个');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-done').waitFor();
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-passwords').click()]);
    const reissued = fs.readFileSync((await again.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(reissued).toHaveLength(2);
    expect(reissued[1]).toMatch(/^恩阳区政务服务中心,吴丽,wuli,[A-Za-z2-9]{12}$/);
    expect(reissued[1]).not.toBe(passwords.find((l) => l.includes(',wuli,')));
    expect(errors).toEqual([]);
  });

  test('an official who is not a system admin has no 组织导入 and the server refuses the mutation', async () => {
    const { page } = await session.openAs('chengyong', '程永');
    expect(await page.getByTestId('nav-orgImport').count()).toBe(0);
    await page.goto('/#/admin/org-import');
    await page.getByTestId('forbidden').waitFor();
    const code = await page.evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { importOrganisation(fileName: "a.csv", contentBase64: "YQ==", dryRun: true) { applied } }' }),
      });
      return (await response.json()).errors[0].extensions.code;
    });
    expect(code).toBe('FORBIDDEN');
  });
});
