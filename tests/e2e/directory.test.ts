/**
 * Directory accounts in the browser (real slapd, real server, Chromium): the directory password
 * signs in; on #/me the password form gives way to a note and the directory fields cannot be
 * edited; an admin sees real name and unit without an edit button and title/phone read-only.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BrowserSession, submitLogin } from '../helpers/browser.js';
import { LDAP_PEOPLE_BASE, LDAP_READER_DN, LDAP_READER_PASSWORD, startLdap, type TestLdap, type TestPerson } from '../helpers/ldap.js';

const wangfang: TestPerson = { uid: 'wangfang', cn: '王芳', units: ['四川省政务服务中心', '广元市政务服务中心'], title: '综合科科员', mobile: '13800000001', password: 'Dir-wangfang-2026' };

let ldap: TestLdap;
let app: TestApp;
const session = new BrowserSession(() => app);

beforeAll(async () => {
  ldap = await startLdap([wangfang]);
  app = await startTestApp({
    directory: {
      url: ldap.url,
      bindDn: LDAP_READER_DN,
      bindPassword: LDAP_READER_PASSWORD,
      searchBase: LDAP_PEOPLE_BASE,
      userFilter: '(&(objectClass=inetOrgPerson)(uid={login}))',
      // Phone not mapped: it stays editable in Jiaoliu.
      attributes: { login: 'uid', name: 'cn', unit: '', title: 'title', phone: '', disabled: '' },
      disabledValues: [],
      unitRoot: '',
      syncMinutes: 0,
      timeoutMs: 2000,
      tls: { caFile: null, startTls: false, rejectUnauthorized: true },
    },
  });
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
  await ldap?.close();
});

test('a directory account signs in with the directory password and sees its directory fields read-only', async () => {
  const page = await (await session.newContext()).newPage();
  await submitLogin(page, 'wangfang', wangfang.password);
  await page.getByTestId('viewer-name').filter({ hasText: '王芳' }).waitFor();
  expect(await page.getByTestId('viewer-unit').textContent()).toBe('广元市政务服务中心');

  await page.goto('/#/me');
  await page.getByTestId('password-directory').waitFor();
  expect(await page.getByTestId('password-form').count()).toBe(0);
  expect(await page.getByTestId('directory-note').textContent()).toContain('统一身份认证');
  await page.getByTestId('action-profile').click();
  expect(await page.getByTestId('input-title').isDisabled()).toBe(true);
  expect(await page.getByTestId('profile-form').textContent()).toContain('来自统一身份认证目录');
  // The phone is not from the directory here: it can still be changed.
  await page.getByTestId('input-phone').fill('13900000002');
  await page.getByTestId('action-submit').click();
  await page.getByText('职务和电话已更新').waitFor();

  const id = await page.evaluate(async () => {
    const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { id } }' }) });
    return ((await response.json()) as { data: { viewer: { id: string } } }).data.viewer.id;
  });
  const admin = await session.openAs('zhaomin', '赵敏');
  await admin.page.goto(`/#/users/${id}`);
  await admin.page.getByTestId('action-profile').waitFor();
  expect(await admin.page.getByTestId('action-identity').count()).toBe(0);
  expect(admin.errors).toEqual([]);
});
