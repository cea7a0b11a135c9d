/**
 * Browser tests of the web UI against the real server and a fresh PostgreSQL database with
 * the demo data: login, directory, registration and approval, stored XSS, CSP.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BrowserSession, loginThroughPage, submitLogin } from '../helpers/browser.js';

const XSS = '<img src=x onerror="window.__xss=1">';

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

/** A new browser context (its own cookie jar) and page. */
async function openPage(): Promise<Page> {
  const context = await session.newContext();
  return context.newPage();
}

const login = loginThroughPage;

/** Calls the GraphQL API as a script would (JSON body, no cookie). */
async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T | null; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> }> {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function unitId(name: string): Promise<string> {
  const result = await graphql<{ orgUnits: Array<{ id: string; name: string }> }>('{ orgUnits { id name } }');
  const unit = result.data?.orgUnits.find((u) => u.name === name);
  if (!unit) throw new Error(`unit ${name} not found`);
  return unit.id;
}

describe('web UI', () => {
  afterAll(async () => {
    await session.closeContexts();
  });

  test('李劲松 logs in, browses the directory by unit and searches by name', async () => {
    const page = await openPage();
    await login(page, 'lijinsong', '李劲松');
    expect(await page.getByTestId('viewer-name').textContent()).toBe('李劲松');
    expect(await page.getByTestId('viewer-unit').textContent()).toBe('巴中市政务服务中心');
    // An ordinary member has no review page in the navigation.
    expect(await page.getByTestId('nav-pending').count()).toBe(0);

    await page.getByTestId('nav-directory').click();
    await page.locator('[data-testid=tree-item][data-unit-name="巴中市政务服务中心"]').click();
    await page.waitForURL(/#\/directory\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('selected-unit').textContent()).toContain('巴中市政务服务中心');
    const chengyong = page.getByTestId('member-row').filter({ hasText: '程永' });
    await chengyong.waitFor();
    expect(await chengyong.textContent()).toContain('副主任');
    // Another member's phone is masked for an ordinary member.
    expect(await chengyong.textContent()).toContain('139****0001');
    expect(await page.getByTestId('member-count').textContent()).toMatch(/^共 \d+ 人/);

    await page.getByTestId('directory-search').fill('宁志远');
    const ning = page.getByTestId('member-row').filter({ hasText: '宁志远' });
    await ning.waitFor();
    await expect.poll(() => page.getByTestId('member-row').count()).toBe(1);
    expect(await ning.textContent()).toContain('巴州区政务服务中心');
    expect(await page.getByTestId('member-count').textContent()).toContain('共 1 人');

    await page.getByTestId('directory-search').fill('没有这个人');
    await page.getByText('没有找到符合条件的人员').waitFor();
    expect(await page.getByTestId('member-row').count()).toBe(0);

    // A row opens the profile.
    await page.getByTestId('directory-search').fill('宁志远');
    await ning.click();
    await page.waitForURL(/#\/users\//);
    expect(await page.getByTestId('profile-name').textContent()).toBe('宁志远');
    expect(await page.getByTestId('unit-trail').textContent()).toContain('巴中市政务服务中心');
    // No admin actions for an ordinary member.
    expect(await page.getByTestId('action-identity').count()).toBe(0);
  });

  test('a wrong password shows the error and stays on the login page', async () => {
    const page = await openPage();
    await submitLogin(page, 'lijinsong', 'not-the-password');
    const error = page.getByTestId('form-error');
    await error.filter({ hasText: '登录名或密码错误' }).waitFor();
    expect(await error.textContent()).toBe('登录名或密码错误');
    expect(new URL(page.url()).hash).toBe('#/login');
    expect(await page.getByTestId('viewer-name').count()).toBe(0);
    // The password field is emptied after a failure.
    expect(await page.getByTestId('input-password').inputValue()).toBe('');
  });

  test('registration through the page, approval by 程永, then the applicant logs in', async () => {
    const page = await openPage();
    await page.goto('/#/register');
    await page.getByTestId('register-form').waitFor();
    // Client-side check: the two passwords must match.
    await page.getByTestId('input-loginName').fill('wangxiaoming');
    await page.getByTestId('input-password').fill('Xiaoming@2026');
    await page.getByTestId('input-confirm').fill('Xiaoming@2027');
    await page.getByTestId('input-realName').fill('王小明');
    const nanjiang = await page.locator('[data-testid=input-unitId] option', { hasText: '南江县政务服务中心' }).getAttribute('value');
    await page.getByTestId('input-unitId').selectOption(nanjiang!);
    await page.getByTestId('input-title').fill('综合股科员');
    await page.getByTestId('input-phone').fill('13800001111');
    await page.getByTestId('input-applicationNote').fill('南江县新入职，申请加入');
    await page.getByTestId('register-submit').click();
    await page.getByTestId('error-confirm').filter({ hasText: '两次输入的密码不一致' }).waitFor();

    await page.getByTestId('input-confirm').fill('Xiaoming@2026');
    await page.getByTestId('register-submit').click();
    const done = page.getByTestId('register-done-text');
    await done.waitFor();
    expect(await done.textContent()).toBe('注册申请已提交，请等待 南江县政务服务中心 或上级单位管理员审核');

    // Pending: the right password gives the waiting message, not a session.
    await submitLogin(page, 'wangxiaoming', 'Xiaoming@2026');
    await page.getByTestId('form-error').filter({ hasText: '等待单位管理员审核' }).waitFor();
    expect(await page.getByTestId('viewer-name').count()).toBe(0);

    const admin = await openPage();
    await login(admin, 'chengyong', '程永');
    await admin.getByTestId('nav-pending').click();
    const item = admin.getByTestId('pending-item').filter({ hasText: '王小明' });
    await item.waitFor();
    expect(await item.getByTestId('pending-unit').textContent()).toBe('南江县政务服务中心');
    expect(await item.getByTestId('pending-note').textContent()).toBe('南江县新入职，申请加入');
    await item.getByTestId('approve').click();
    await admin.getByTestId('pending-confirmation').filter({ hasText: '已通过 王小明 的注册申请' }).waitFor();
    expect(await admin.getByTestId('pending-item').filter({ hasText: '王小明' }).count()).toBe(0);

    const applicant = await openPage();
    await submitLogin(applicant, 'wangxiaoming', 'Xiaoming@2026');
    await applicant.getByTestId('viewer-name').filter({ hasText: '王小明' }).waitFor();
    expect(await applicant.getByTestId('viewer-unit').textContent()).toBe('南江县政务服务中心');
  });

  test('stored XSS in a registration is shown as text to the reviewing admin', async () => {
    const unit = await unitId('巴州区政务服务中心');
    const register = `mutation($input: RegisterInput!) { register(input: $input) { id } }`;
    const base = { password: 'Sanitize@2026', realName: '赵小红', unitId: unit, title: '科员' };

    // The server refuses markup in a title outright.
    const refused = await graphql(register, { input: { ...base, loginName: 'zhaoxiaohong0', title: XSS } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const created = await graphql<{ register: { id: string } }>(register, { input: { ...base, loginName: 'zhaoxiaohong', applicationNote: XSS } });
    expect(created.errors).toBeUndefined();
    expect(created.data?.register.id).toMatch(/^[0-9a-f-]{36}$/);

    const page = await openPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    await login(page, 'chengyong', '程永');
    await page.getByTestId('nav-pending').click();
    const item = page.getByTestId('pending-item').filter({ hasText: '赵小红' });
    await item.waitFor();
    expect(await item.getByTestId('pending-note').textContent()).toBe(XSS);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    // The profile shows the note literally too.
    await item.getByTestId('pending-name').click();
    await page.getByTestId('profile-note').waitFor();
    expect(await page.getByTestId('profile-note').textContent()).toBe(XSS);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(violations).toEqual([]);
  });

  test('the app is served with a strict CSP and the login flow breaks none of it', async () => {
    const response = await fetch(`${app.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    const page = await openPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    const mainResponse = await page.goto('/');
    expect(mainResponse?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('login-form').waitFor();
    await login(page, 'zhangkaifeng', '张凯峰');
    // Signed in, the landing page is 消息 with the viewer's conversations.
    await page.getByTestId('conversation-list').waitFor();
    await page.getByTestId('nav-directory').click();
    await page.getByTestId('member-row').first().waitFor();
    await page.getByTestId('nav-me').click();
    await page.getByTestId('session-current').waitFor();

    // Signing out clears the cookie: a reload stays signed out.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    expect(await page.getByTestId('viewer-name').count()).toBe(0);

    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('程永 creates an account in a county of 巴中; units outside his scope cannot be chosen', async () => {
    const page = await openPage();
    await login(page, 'chengyong', '程永');
    await page.getByTestId('nav-createUser').click();
    const select = page.getByTestId('input-unitId');
    await select.waitFor();
    const chengdu = select.locator('option', { hasText: '成都市政务服务中心' });
    expect(await chengdu.isDisabled()).toBe(true);
    expect(await select.locator('option', { hasText: '平昌县政务服务中心' }).isDisabled()).toBe(false);

    await page.getByTestId('input-realName').fill('任小川');
    await select.selectOption({ label: (await select.locator('option', { hasText: '平昌县政务服务中心' }).textContent())! });
    await page.getByTestId('input-title').fill('窗口工作人员');
    await page.getByTestId('input-loginName').fill('renxiaochuan');
    await page.getByTestId('input-password').fill('Initial-pass-01');
    await page.getByTestId('input-confirm').fill('Initial-pass-01');
    await page.getByTestId('create-submit').click();
    await page.getByTestId('profile-name').filter({ hasText: '任小川' }).waitFor();
    expect(page.url()).toContain('#/users/');

    const result = await graphql<{ login: { user: { realName: string; unit: { name: string } } } }>(
      `mutation { login(loginName: "renxiaochuan", password: "Initial-pass-01") { user { realName unit { name } } } }`,
    );
    expect(result.data?.login.user).toEqual({ realName: '任小川', unit: { name: '平昌县政务服务中心' } });

    // An ordinary member has no such page.
    const member = await openPage();
    await login(member, 'lijinsong', '李劲松');
    expect(await member.getByTestId('nav-createUser').count()).toBe(0);
  });
});
