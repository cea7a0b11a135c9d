/**
 * Shared setup of the browser tests (tests/e2e): a GraphQL client with bearer tokens for the
 * API side of a scenario, and a Chromium session whose contexts sign in through the login page.
 * Both take the TestApp through a getter, since the app is started in beforeAll.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from './app.js';
import { DEMO_PASSWORD } from './graphql.js';

export const PASSWORD = DEMO_PASSWORD;

interface GqlResult<T> {
  data: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** GraphQL as an API client (bearer token, no cookie); `signIn` fills `tokens` and `ids`. */
export function apiClient(app: () => TestApp) {
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function api<T>(loginName: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (loginName) headers.authorization = `Bearer ${tokens[loginName]}`;
    const response = await fetch(`${app().url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as GqlResult<T>;
    if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async function signIn(loginName: string): Promise<void> {
    const data = await api<{ login: { token: string; user: { id: string } } }>(null, `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { token user { id } } }`, { l: loginName, p: PASSWORD });
    tokens[loginName] = data.login.token;
    ids[loginName] = data.login.user.id;
  }

  /** An invite-only group owned by `owner`, with `members` invited and accepted. */
  async function makeGroup(owner: string, name: string, members: string[], about: { purpose: string; rules: string }): Promise<{ groupId: string; conversationId: string }> {
    const { createGroup } = await api<{ createGroup: { id: string; conversation: { id: string } } }>(
      owner,
      `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`,
      { input: { name, purpose: about.purpose, rules: about.rules, visibility: 'INVITE_ONLY' } },
    );
    for (const member of members) {
      const { inviteToGroup } = await api<{ inviteToGroup: { id: string } }>(owner, `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: createGroup.id, u: ids[member] });
      await api(member, `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    }
    return { groupId: createGroup.id, conversationId: createGroup.conversation.id };
  }

  async function sendByApi(loginName: string, conversation: string, body: string): Promise<void> {
    await api(loginName, `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, {
      c: conversation,
      b: body,
      k: `e2e-${Math.random().toString(36).slice(2)}-${Date.now()}`,
    });
  }

  return { tokens, ids, api, signIn, makeGroup, sendByApi };
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

export interface ContextOptions {
  /** Omitted: Playwright's default viewport. */
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Another server than the session's app. */
  server?: TestApp;
}

export interface OpenOptions extends ContextOptions {
  /** Console errors that are expected, not recorded. */
  ignoreConsole?: RegExp;
}

/** Debian's chromium, headless, without background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** Types the credentials into the login page and submits them. */
export async function submitLogin(page: Page, loginName: string, password: string): Promise<void> {
  await page.goto('/#/login');
  await page.getByTestId('input-loginName').fill(loginName);
  await page.getByTestId('input-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Signs in through the login page and waits for the viewer's name. */
export async function loginThroughPage(page: Page, loginName: string, realName: string): Promise<void> {
  await submitLogin(page, loginName, PASSWORD);
  await page.getByTestId('viewer-name').filter({ hasText: realName }).waitFor();
}

/** One Chromium for a test file; every context it opens is closed by `closeContexts` / `close`. */
export class BrowserSession {
  browser: Browser | undefined;
  readonly contexts: BrowserContext[] = [];

  constructor(private readonly app: () => TestApp) {}

  async launch(): Promise<void> {
    this.browser = await launchChromium();
  }

  /** A browser context of its own (cookies), zh-CN in Beijing time. */
  async newContext(options: ContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser!.newContext({
      baseURL: (options.server ?? this.app()).url,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(options.viewport ? { viewport: options.viewport } : {}),
      ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
    });
    context.setDefaultTimeout(15_000);
    this.contexts.push(context);
    return context;
  }

  /** A new context and page, signed in through the login page, recording console and page errors. */
  async openAs(loginName: string, realName: string, options: OpenOptions = {}): Promise<Opened> {
    const context = await this.newContext(options);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !options.ignoreConsole?.test(message.text())) errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    await loginThroughPage(page, loginName, realName);
    return { context, page, errors };
  }

  async closeContexts(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close().catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.closeContexts();
    await this.browser?.close();
  }
}
