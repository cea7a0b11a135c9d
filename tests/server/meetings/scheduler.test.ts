import type { FastifyInstance } from 'fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { ormOptions } from '../../../server/db/orm.js';
import { silentPublisher } from '../../../server/modules/core/realtime.js';
import { jobHandlers, meetingReminderJob, MEETING_REMINDER_JOB } from '../../../server/modules/meetings/reminders.js';
import { JobScheduler } from '../../../server/modules/scheduler/jobs.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { count, sql, unitId } from '../../helpers/demo.js';
import { signedIn } from '../../helpers/graphql.js';

/** The real server on a database that outlives it (a "restart" is close, then start again). */
async function startServer(databaseUrl: string, pollMs: number): Promise<{ url: string; app: FastifyInstance; orm: MikroORM; stop: () => Promise<void> }> {
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  const app = await buildApp(loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false, scheduler: { pollMs } }), orm);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, app, orm, stop: async () => { await app.close(); await orm.close(true); } };
}

let databaseUrl: string;
let observer: MikroORM;
let groupId: string;
let countyIds: string[];

beforeAll(async () => {
  databaseUrl = await freshDatabase();
  observer = await MikroORM.init(ormOptions(databaseUrl));
  [{ id: groupId }] = await sql<{ id: string }>(observer, `select id from chat_group where name = '政务服务工作交流'`);
  countyIds = await Promise.all(['巴州区政务服务中心', '通江县政务服务中心', '南江县政务服务中心', '平昌县政务服务中心'].map((n) => unitId(observer, n)));
});
afterAll(async () => {
  await observer.close(true);
  await dropDatabase(databaseUrl);
});

async function issue(url: string, title: string, startInHours = 30): Promise<string> {
  const li = await signedIn(url, 'lijinsong');
  const { issueMeeting } = await li.request(`mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`, {
    i: {
      groupId,
      title,
      startsAt: new Date(Date.now() + startInHours * 3600_000).toISOString(),
      endsAt: new Date(Date.now() + (startInHours + 2) * 3600_000).toISOString(),
      place: '巴中市政务服务中心三楼会议室',
      invitees: { scope: 'UNITS', unitIds: countyIds },
    },
  });
  return issueMeeting.id;
}

const makeDue = (meetingId: string) => sql(observer, `update scheduled_job set run_at = now() - interval '1 second' where subject_id = ? and done_at is null`, [meetingId]);
const invitees = async (meetingId: string) => count(observer, 'meeting_invitee', 'meeting_id = ?', [meetingId]);
const reminders = (meetingId: string) => count(observer, 'notification', `kind = 'meeting_reminder' and subject_id = ?`, [meetingId]);
/** (user, hours before) pairs that got more than one reminder. */
const doubled = (meetingId: string) =>
  sql(observer, `select user_id, data->>'hoursBefore' from notification where kind = 'meeting_reminder' and subject_id = ? group by 1, 2 having count(*) > 1`, [meetingId]);
const waitUntil = async (check: () => Promise<boolean>, ms = 10_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('meeting reminders', () => {
  it('fire exactly once across a crash mid-job and a restart of the server', async () => {
    let server = await startServer(databaseUrl, 0);
    const id = await issue(server.url, '重启测试会议');
    const n = await invitees(id);
    expect(await count(observer, 'scheduled_job', 'subject_id = ? and done_at is null', [id])).toBe(2);
    await makeDue(id);

    // A worker that dies after writing the notifications: its transaction rolls back, nothing is lost or sent.
    const crashing = new JobScheduler(server.orm, silentPublisher, {
      [MEETING_REMINDER_JOB]: async (em, job, emit) => {
        await meetingReminderJob(em, job, emit);
        throw new Error('simulated crash');
      },
    }, { pollMs: 0 });
    expect(await crashing.runDue()).toBe(0);
    expect(await reminders(id)).toBe(0);
    expect(await count(observer, 'scheduled_job', 'subject_id = ? and done_at is null and attempts = 1', [id])).toBe(2);
    await makeDue(id);

    // The server's own scheduler polls and sends both reminders.
    await server.stop();
    server = await startServer(databaseUrl, 50);
    await waitUntil(async () => (await reminders(id)) === 2 * n);
    await server.stop();

    // After a restart nothing is sent again.
    server = await startServer(databaseUrl, 50);
    await new Promise((r) => setTimeout(r, 400));
    expect(await server.app.scheduler.runDue()).toBe(0);
    await server.stop();
    expect(await reminders(id)).toBe(2 * n);
    expect(await doubled(id)).toEqual([]);
    expect(await count(observer, 'scheduled_job', 'subject_id = ? and done_at is not null', [id])).toBe(2);
  });

  it('fire exactly once with two schedulers racing on the same table', async () => {
    const server = await startServer(databaseUrl, 0);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await issue(server.url, `并发测试会议 ${i}`));
    for (const id of ids) await makeDue(id);
    const [ormA, ormB] = await Promise.all([MikroORM.init(ormOptions(databaseUrl)), MikroORM.init(ormOptions(databaseUrl))]);
    // Each job holds its lock a little while, so that the two really overlap.
    const slow = {
      [MEETING_REMINDER_JOB]: async (...args: Parameters<typeof meetingReminderJob>) => {
        await new Promise((r) => setTimeout(r, 20));
        await jobHandlers[MEETING_REMINDER_JOB](...args);
      },
    };
    const a = new JobScheduler(ormA, silentPublisher, slow, { pollMs: 0 });
    const b = new JobScheduler(ormB, silentPublisher, slow, { pollMs: 0 });
    const done = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(done.reduce((x, y) => x + y, 0)).toBe(ids.length * 2);
    // Both took part (neither simply ran everything first).
    expect(done[0] + done[2]).toBeGreaterThan(0);
    expect(done[1] + done[3]).toBeGreaterThan(0);
    for (const id of ids) {
      expect(await reminders(id)).toBe(2 * (await invitees(id)));
      expect(await doubled(id)).toEqual([]);
    }
    await Promise.all([ormA.close(true), ormB.close(true)]);
    await server.stop();
  });

  it('are not sent for a cancelled notice or a start time that moved, and skip reminders already past', async () => {
    const server = await startServer(databaseUrl, 0);
    const soon = await issue(server.url, '两小时后开始', 2);
    const jobs = await sql<{ data: any }>(observer, `select data from scheduled_job where subject_id = ? and done_at is null`, [soon]);
    expect(jobs.map((j) => j.data.hoursBefore)).toEqual([1]);

    const moved = await issue(server.url, '将改期的会议');
    // A job whose start no longer matches (as if left from before an edit) sends nothing.
    await sql(observer, `update scheduled_job set data = jsonb_set(data, '{startsAt}', '"2020-01-01T00:00:00.000Z"'), run_at = now() - interval '1 second' where subject_id = ?`, [moved]);
    const cancelled = await issue(server.url, '将取消的会议');
    await makeDue(cancelled);
    await sql(observer, `update meeting_notice set status = 'cancelled' where id = ?`, [cancelled]);
    await server.app.scheduler.runDue();
    expect(await reminders(moved)).toBe(0);
    expect(await reminders(cancelled)).toBe(0);
    await server.stop();
  });
});
