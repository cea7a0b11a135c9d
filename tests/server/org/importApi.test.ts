import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';

/**
 * The web's importOrganisation mutation over real HTTP (system admins only, size and encoding
 * checked, passwords given once), and the PASSWORD_CHANGE_REQUIRED gate on WebSocket and files.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const IMPORT = `mutation($f: String!, $c: String!, $d: Boolean!) { importOrganisation(fileName: $f, contentBase64: $c, dryRun: $d) {
  applied rowCount unchangedAccounts initialPasswordsCsv problems { line message } units { action name level parentName } accounts { action loginName unitName grantAdmin } } }`;
const HEADER = '单位,上级单位,层级,姓名,登录名,职务,手机,邮箱,是否单位管理员';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const FILE = `${HEADER}\n旺苍县政务服务中心,巴中市政务服务中心,县级,蒋平,jiangping,主任,13800000011,,是\n`;

interface ImportAnswer {
  importOrganisation: {
    applied: boolean;
    rowCount: number;
    initialPasswordsCsv: string | null;
    problems: Array<{ line: number; message: string }>;
    units: Array<{ action: string; name: string; level: string; parentName: string | null }>;
    accounts: Array<{ action: string; loginName: string; unitName: string; grantAdmin: boolean }>;
  };
}

describe('importOrganisation', () => {
  it('is for system admins only', async () => {
    const unitAdmin = await signedIn(t.url, 'chengyong');
    expect(await unitAdmin.errorCode(IMPORT, { f: 'a.csv', c: b64(FILE), d: true })).toBe('FORBIDDEN');
    expect(await new Client(t.url).errorCode(IMPORT, { f: 'a.csv', c: b64(FILE), d: true })).toBe('UNAUTHENTICATED');
  });

  it('checks the name, encoding and size of the file', async () => {
    const admin = await signedIn(t.url, 'zhaomin');
    const errors = async (f: string, c: string) => (await admin.errors(IMPORT, { f, c, d: true }))[0];
    expect(await errors('a.txt', b64(FILE))).toMatchObject({ message: '只支持 .csv 或 .xlsx 文件', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await errors('a.csv', '不是base64')).extensions?.code).toBe('BAD_USER_INPUT');
    const big = await errors('a.csv', Buffer.alloc(512 * 1024 + 1, 0x41).toString('base64'));
    expect(big.message).toContain('文件不能超过 512 KB');
  });

  it('a dry run shows the changes and writes nothing; the import gives the passwords once; the new official must change it, also on WebSocket and files', async () => {
    const admin = await signedIn(t.url, 'zhaomin');
    const dry = await admin.request<ImportAnswer>(IMPORT, { f: '人员.csv', c: b64(FILE), d: true });
    expect(dry.importOrganisation).toMatchObject({
      applied: false,
      initialPasswordsCsv: null,
      problems: [],
      units: [{ action: 'CREATE', name: '旺苍县政务服务中心', level: 'COUNTY', parentName: '巴中市政务服务中心' }],
      accounts: [{ action: 'CREATE', loginName: 'jiangping', unitName: '旺苍县政务服务中心', grantAdmin: true }],
    });
    expect(await sql(t.orm, `select 1 from org_unit where name = '旺苍县政务服务中心'`)).toEqual([]);

    const bad = await admin.request<ImportAnswer>(IMPORT, { f: '人员.csv', c: b64(FILE + '旺苍县政务服务中心,巴中市政务服务中心,镇级,,,,,,\n'), d: false });
    expect(bad.importOrganisation.applied).toBe(false);
    expect(bad.importOrganisation.problems).toEqual([{ line: 3, message: '未知层级“镇级”：应为省级、市级或县级' }]);
    expect(await sql(t.orm, `select 1 from org_unit where name = '旺苍县政务服务中心'`)).toEqual([]);

    const done = await admin.request<ImportAnswer>(IMPORT, { f: '人员.csv', c: b64(FILE), d: false });
    expect(done.importOrganisation.applied).toBe(true);
    const csv = Buffer.from(done.importOrganisation.initialPasswordsCsv!, 'base64').toString('utf8');
    const [header, line] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(header).toBe('单位,姓名,登录名,初始密码');
    const password = line.split(',')[3];
    expect(line).toBe(`旺苍县政务服务中心,蒋平,jiangping,${password}`);
    const [audit] = await sql<{ actor: string; after: Record<string, number> }>(t.orm, `select u.login_name as actor, a.after from audit_log a join app_user u on u.id = a.actor_id where a.action = 'org.imported'`);
    expect(audit).toMatchObject({ actor: 'zhaomin', after: { unitsCreated: 1, accountsCreated: 1 } });

    const official = new Client(t.url);
    const { token } = await official.login('jiangping', password);
    // WebSocket: the subscription is refused the same way.
    const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const frames: Array<Record<string, any>> = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
    socket.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: 'subscription { chatEvents { id } }' } }));
    for (let i = 0; i < 50 && !frames.some((f) => f.id === 's1'); i++) await new Promise((r) => setTimeout(r, 100));
    socket.close();
    const refused = frames.find((f) => f.id === 's1');
    expect(JSON.stringify(refused)).toContain('PASSWORD_CHANGE_REQUIRED');
    // Files: no upload before the change.
    const upload = await fetch(`${t.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-jiaoliu-upload': '1', 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' });
    expect(upload.status).toBe(403);
    expect((await upload.json()).errors[0].extensions.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const calendar = await fetch(`${t.url}/meetings/00000000-0000-4000-8000-000000000000.ics`, { headers: { authorization: `Bearer ${token}` } });
    expect(calendar.status).toBe(403);
  });
});
