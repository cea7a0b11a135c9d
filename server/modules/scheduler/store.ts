import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql } from '../../db/statement.js';

/** The scheduler's SQL: `scheduled_job` rows, claimed with FOR UPDATE SKIP LOCKED (past the ORM). */

export async function insertJob(em: EntityManager, job: { kind: string; subjectId: string | null; runAt: Date; data: Record<string, unknown> | null }): Promise<void> {
  await rows(em, sql`insert into scheduled_job (kind, subject_id, run_at, data, attempts, created_at) values (${job.kind}, ${job.subjectId}, ${job.runAt}, ${job.data ? JSON.stringify(job.data) : null}, 0, now())`);
}

export async function countOverdueJobs(em: EntityManager): Promise<number> {
  const [row] = await rows<{ n: string }>(em, sql`select count(*) as n from scheduled_job where done_at is null and run_at <= now()`);
  return Number(row?.n ?? 0);
}

/** Deletes the pending jobs of a kind about a subject; answers how many. */
export async function deletePendingJobs(em: EntityManager, kind: string, subjectId: string): Promise<number> {
  const deleted = await rows<{ id: string }>(em, sql`delete from scheduled_job where kind = ${kind} and subject_id = ${subjectId} and done_at is null returning id`);
  return deleted.length;
}

/** The next due job, locked; other transactions skip it. */
export async function claimDueJob(em: EntityManager) {
  const [row] = await rows<{ id: string; kind: string; subject_id: string | null; run_at: Date; data: Record<string, unknown> | null; attempts: number }>(
    em,
    sql`select id, kind, subject_id, run_at, data, attempts from scheduled_job
            where done_at is null and run_at <= now()
            order by run_at, id limit 1 for update skip locked`,
  );
  return row;
}

export async function markJobDone(em: EntityManager, id: string): Promise<void> {
  await rows(em, sql`update scheduled_job set done_at = now(), attempts = attempts + 1 where id = ${id}`);
}

/** Counts a failed attempt and pushes the job back by `delaySeconds` (done when given up). */
export async function recordJobFailure(em: EntityManager, id: string, f: { attempts: number; message: string; delaySeconds: number; givenUp: boolean }): Promise<void> {
  await rows(
    em,
    sql`update scheduled_job set attempts = ${f.attempts}, last_error = ${f.message}, run_at = now() + make_interval(secs => ${f.delaySeconds}), done_at = case when ${f.givenUp} then now() else null end
          where id = ${id} and done_at is null`,
  );
}

/** The pending (not done) jobs of a kind, soonest first, after taking the kind's lock until the transaction ends (one check-then-insert at a time). */
export async function lockedPendingJobs(em: EntityManager, kind: string): Promise<Array<{ id: string; run_at: Date }>> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtext('scheduled-job:' || ${kind}))`);
  return rows(em, sql`select id, run_at from scheduled_job where kind = ${kind} and done_at is null order by run_at, id`);
}

/** Brings a pending job forward to `at` when it is due later. */
export async function advanceJob(em: EntityManager, id: string, at: Date): Promise<void> {
  await rows(em, sql`update scheduled_job set run_at = ${at} where id = ${id} and done_at is null and run_at > ${at}`);
}
