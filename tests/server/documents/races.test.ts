import pg from 'pg';
import { ClientError } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { upload } from '../../helpers/files.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * Folder and document writers racing each other through the real API. Where luck would decide
 * the interleaving, a separate SQL session holds a row lock while the API calls run, and is let
 * go only once they all wait for it: each call has then done everything it does before that lock.
 */

const CREATE = `mutation($g: ID!, $n: String!, $p: ID) { createDocumentFolder(groupId: $g, name: $n, parentId: $p) { id } }`;
const RENAME = `mutation($f: ID!, $n: String!) { renameDocumentFolder(folderId: $f, name: $n) { id name } }`;
const DELETE_FOLDER = `mutation($f: ID!) { deleteDocumentFolder(folderId: $f) { id } }`;
const MOVE = `mutation($d: ID!, $f: ID) { moveDocument(documentId: $d, folderId: $f) { id } }`;
const DELETE_DOCUMENT = `mutation($d: ID!) { deleteDocument(documentId: $d) { id } }`;

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
}

/** A GraphQL call's outcome: ok, or its first error's code and message. */
async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const first = error.response.errors?.[0];
    return { ok: false, code: first?.extensions?.code as string | undefined, message: first?.message };
  }
}

/** An upload's outcome, in the same shape. */
async function uploaded(call: ReturnType<typeof upload>): Promise<Outcome> {
  const result = await call;
  if (result.data) return { ok: true };
  return { ok: false, code: result.errors?.[0]?.extensions.code, message: result.errors?.[0]?.message };
}

describe('documents and folders written concurrently', () => {
  let t: TestApp;
  let li: Client & { userId: string };
  let token: string;
  let groupId: string;
  /** Watches the app's sessions (pg_stat_activity). */
  let monitor: pg.Client;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp();
    li = await signedIn(t.url, 'lijinsong');
    token = (await li.login('lijinsong')).token;
    [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
    monitor = new pg.Client({ connectionString: t.databaseUrl });
    await monitor.connect();
  });
  afterAll(async () => {
    await monitor?.end();
    await t?.close();
  });

  /** A separate SQL session, as another writer would hold one. */
  async function session(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    return client;
  }

  /** Resolves once `n` statements on the app's database wait for a lock. */
  async function lockWaiters(n: number): Promise<void> {
    for (let tries = 0; tries < 500; tries += 1) {
      const { rows } = await monitor.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (Number(rows[0].n) >= n) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${n} statements waited for a lock`);
  }

  const folder = async (name: string, parentId: string | null = null): Promise<string> =>
    (await li.request<{ createDocumentFolder: { id: string } }>(CREATE, { g: groupId, n: name, p: parentId })).createDocumentFolder.id;

  /** Uploads a text file of unique content; its document's id. */
  async function textFile(name: string, fields: Record<string, string>): Promise<string> {
    serial += 1;
    const result = await upload(t.url, { token }, { groupId, ...fields }, name, Buffer.from(`竞态测试 ${serial} ${name}`));
    expect(result.errors).toBeUndefined();
    return result.data!.documentId;
  }

  const uniqueText = (label: string) => {
    serial += 1;
    return Buffer.from(`竞态测试 ${serial} ${label} ${Date.now()}`);
  };

  /** Same-named undeleted documents in one folder of the group (there must be none). */
  const duplicateDocuments = () =>
    sql(t.orm, `select folder_id, lower(name) as name, count(*)::int as n from document where group_id = ? and deleted_at is null group by folder_id, lower(name) having count(*) > 1`, [groupId]);

  it('renames and creates of one folder name at once: one wins, the others are CONFLICT, never a server error', async () => {
    for (let round = 0; round < 3; round += 1) {
      const parent = await folder(`并发改名-${round}`);
      const folders = await Promise.all([1, 2, 3, 4].map((i) => folder(`待改名-${i}`, parent)));
      const target = `统一名称-${round}`;
      const results = await Promise.all([
        ...folders.map((f) => outcome(li.request(RENAME, { f, n: target }))),
        outcome(li.request(CREATE, { g: groupId, n: target, p: parent })),
        outcome(li.request(CREATE, { g: groupId, n: target, p: parent })),
      ]);
      expect(results.filter((r) => !r.ok)).toEqual(Array(results.length - 1).fill({ ok: false, code: 'CONFLICT', message: '已有同名文件夹' }));
      expect(await count(t.orm, 'document_folder', 'parent_id = ? and name = ?', [parent, target])).toBe(1);
    }
  });

  it('two renames to one name that both checked it free before either wrote: one is CONFLICT', async () => {
    const parent = await folder('并发改名-强制');
    const [a, b] = await Promise.all([folder('甲', parent), folder('乙', parent)]);
    const other = await session();
    try {
      // Both renames wait for the folders' rows, after anything they check without a lock.
      await other.query('begin');
      await other.query('select id from document_folder where id = any($1::uuid[]) for update', [[a, b]]);
      const racing = Promise.all([outcome(li.request(RENAME, { f: a, n: '丙' })), outcome(li.request(RENAME, { f: b, n: '丙' }))]);
      await lockWaiters(2);
      await other.query('commit');
      const results = await racing;
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, code: 'CONFLICT', message: '已有同名文件夹' });
      expect(await count(t.orm, 'document_folder', 'parent_id = ? and name = ?', [parent, '丙'])).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('a rename meeting a folder of that name created but not yet committed: CONFLICT, not a server error', async () => {
    const parent = await folder('并发新建-强制');
    const a = await folder('丁', parent);
    const other = await session();
    try {
      await other.query('begin');
      await other.query(`insert into document_folder (id, group_id, parent_id, name, created_by_id, created_at) values (gen_random_uuid(), $1, $2, '戊', $3, now())`, [groupId, parent, li.userId]);
      const renaming = outcome(li.request(RENAME, { f: a, n: '戊' }));
      await lockWaiters(1);
      await other.query('commit');
      expect(await renaming).toEqual({ ok: false, code: 'CONFLICT', message: '已有同名文件夹' });
      expect(await count(t.orm, 'document_folder', 'id = ? and name = ?', [a, '丁'])).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('an upload, a new subfolder and a move into a folder being deleted: 文件夹已被删除, nothing half-written', async () => {
    const doomed = await folder('将被删除');
    // A deleted document still in the folder: its row is set to the top when the folder goes,
    // which lets another session hold the deletion midway (folder locked and deleted, not committed).
    const gone = await textFile('旧通知.txt', { folderId: doomed });
    await li.request(DELETE_DOCUMENT, { d: gone });
    const moving = await textFile('待移动.txt', {});
    const objectsBefore = await count(t.orm, 'stored_object');
    const other = await session();
    try {
      await other.query('begin');
      await other.query('select id from document where id = $1 for update', [gone]);
      const deleting = outcome(li.request(DELETE_FOLDER, { f: doomed }));
      await lockWaiters(1);
      const racing = Promise.all([
        uploaded(upload(t.url, { token }, { groupId, folderId: doomed }, '新上传.txt', uniqueText('新上传'))),
        outcome(li.request(CREATE, { g: groupId, n: '子文件夹', p: doomed })),
        outcome(li.request(MOVE, { d: moving, f: doomed })),
      ]);
      await lockWaiters(4);
      await other.query('rollback');
      expect(await deleting).toEqual({ ok: true });
      expect(await racing).toEqual(Array(3).fill({ ok: false, code: 'NOT_FOUND', message: '文件夹已被删除' }));
    } finally {
      await other.end();
    }
    expect(await count(t.orm, 'document', 'name = ?', ['新上传.txt'])).toBe(0);
    expect(await count(t.orm, 'document_folder', 'name = ?', ['子文件夹'])).toBe(0);
    expect(await count(t.orm, 'document', 'id = ? and folder_id is null', [moving])).toBe(1);
    expect(await count(t.orm, 'stored_object')).toBe(objectsBefore);
  });

  for (const first of ['move', 'version'] as const) {
    it(`a new version under another name and a move of the document (${first === 'move' ? 'the move' : 'the version'} first): never two same-named documents in a folder`, async () => {
      const [from, to] = await Promise.all([folder(`来源-${first}`), folder(`目标-${first}`)]);
      const doc = await textFile(`甲方案-${first}.txt`, { folderId: from });
      await textFile(`乙方案-${first}.txt`, { folderId: to });
      const other = await session();
      try {
        // Both writers queue for the document's row in the order they are started.
        await other.query('begin');
        await other.query('select id from document where id = $1 for update', [doc]);
        const move = () => outcome(li.request(MOVE, { d: doc, f: to }));
        const version = () => uploaded(upload(t.url, { token }, { groupId, documentId: doc }, `乙方案-${first}.txt`, uniqueText('新版本')));
        const earlier = first === 'move' ? move() : version();
        await lockWaiters(1);
        const later = first === 'move' ? version() : move();
        await lockWaiters(2);
        await other.query('commit');
        const [a, b] = await Promise.all([earlier, later]);
        expect(a).toEqual({ ok: true });
        expect(b).toMatchObject({ ok: false, code: 'CONFLICT' });
      } finally {
        await other.end();
      }
      expect(await duplicateDocuments()).toEqual([]);
    });
  }
});
