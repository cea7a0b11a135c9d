import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import type { ObjectStore } from '../../storage/index.js';
import type { JobHandler } from '../scheduler/jobs.js';
import { enqueueJob } from '../scheduler/jobs.js';
import { buildArchive } from './build.js';
import { ARCHIVE_EXPIRE_JOB, ARCHIVE_EXPORT_JOB, requesterActor } from './service.js';
import { expireExportRow, failRun, finishRun, personProfile, setProgress, startRun, type ExportRow, type PersonRow } from './store.js';
import { ChatGroup } from '../../db/entities/index.js';
import { can } from '../../policies/index.js';
import { groupStanding } from '../groups/store.js';
import { GroupAccess } from '../groups/subjects.js';
import { ARCHIVE_KEEP_DAYS } from './subjects.js';

export interface ArchiveJobDeps {
  orm: MikroORM;
  storage: ObjectStore;
  log?: { error: (obj: object, msg: string) => void };
  /** Test seam: bytes of stored files one archive may take in. */
  fileBudgetBytes?: number;
}

/**
 * The archive jobs for the scheduler. A build takes long, so it does not run inside the job's
 * claiming transaction: the export is marked running and committed, read in a snapshot of its
 * own, streamed into the object store, and marked done (or failed) in a last short transaction.
 * The job row stays claimed (locked) meanwhile, so no other instance starts the same export.
 * A crash rolls the claim back and the job is taken again later; the export, still "running",
 * is then simply built afresh (a ZIP half-written to a new key is never recorded).
 */
export function archiveJobHandlers(deps: ArchiveJobDeps): Record<string, JobHandler> {
  return {
    [ARCHIVE_EXPORT_JOB]: async (_claim, job) => {
      if (!job.subjectId) return;
      // The scheduler gives a job up after its fifth failure (the database away, say): the last
      // attempt records the failure instead, so that no export stays "running" for ever.
      if (job.attempts >= LAST_ATTEMPT) await giveUp(deps, job.subjectId);
      else await runExport(deps, job.subjectId);
    },
    [ARCHIVE_EXPIRE_JOB]: async (em, job) => {
      if (!job.subjectId) return;
      const key = await expireExportRow(em, job.subjectId);
      if (key) await deps.storage.remove(key);
    },
  };
}

/** The scheduler's default number of attempts, less one. */
const LAST_ATTEMPT = 4;

async function giveUp(deps: ArchiveJobDeps, exportId: string): Promise<void> {
  await deps.orm.em.fork().transactional(async (em) => {
    const job = await startRun(em, exportId);
    if (!job) return;
    await failRun(em, exportId, '生成档案多次失败，请稍后重新申请');
    audit(em, { actorId: job.requester_id, action: 'archive.failed', targetType: job.group_id ? 'group' : 'user', targetId: job.group_id ?? job.requester_id, after: { exportId, reason: 'retries exhausted' } });
  });
}

async function stillMayExport(em: EntityManager, requester: PersonRow, job: ExportRow): Promise<boolean> {
  if (requester.status !== 'active') return false;
  if (job.kind === 'personal') return true;
  const group = job.group_id ? await em.findOne(ChatGroup, { id: job.group_id }) : null;
  if (!group) return false;
  const standing = await groupStanding(em, group.id, requester.id);
  return can(requesterActor(requester), 'exportArchive', new GroupAccess(group, standing?.role ?? null, false));
}

async function runExport(deps: ArchiveJobDeps, exportId: string): Promise<void> {
  const { orm } = deps;
  const job = await startRun(orm.em.fork(), exportId);
  if (!job) return; // deleted, or already finished
  const requester = await personProfile(orm.em.fork(), job.requester_id);
  if (!requester) return;
  try {
    // Rights are those of the requester now, not when they asked: one who since lost them gets nothing.
    if (!(await stillMayExport(orm.em.fork(), requester, job))) {
      await orm.em.fork().transactional(async (em) => {
        await failRun(em, exportId, '导出人已无权导出该档案');
        audit(em, { actorId: job.requester_id, action: 'archive.failed', targetType: job.group_id ? 'group' : 'user', targetId: job.group_id ?? job.requester_id, after: { exportId, reason: 'no longer allowed' } });
      });
      return;
    }
    const { key, size } = await orm.em.fork().transactional(
      (snapshot) =>
        buildArchive({
          em: snapshot,
          storage: deps.storage,
          job,
          exporter: { id: requester.id, name: requester.real_name, unit: requester.unit_name },
          progress: (percent) => setProgress(orm.em.fork(), exportId, percent),
          fileBudgetBytes: deps.fileBudgetBytes,
        }),
      { isolationLevel: IsolationLevel.REPEATABLE_READ },
    );
    const recorded = await orm.em.fork().transactional(async (em) => {
      const expiresAt = new Date(Date.now() + ARCHIVE_KEEP_DAYS * 24 * 3600 * 1000);
      if (!(await finishRun(em, exportId, key, size, expiresAt))) return false;
      await enqueueJob(em, { kind: ARCHIVE_EXPIRE_JOB, subjectId: exportId, runAt: expiresAt });
      audit(em, { actorId: job.requester_id, action: 'archive.completed', targetType: job.group_id ? 'group' : 'user', targetId: job.group_id ?? job.requester_id, after: { exportId, size } });
      return true;
    });
    if (!recorded) await deps.storage.remove(key).catch(() => {});
  } catch (error) {
    deps.log?.error({ err: error, exportId }, 'archive export failed');
    await orm.em.fork().transactional(async (em) => {
      await failRun(em, exportId, '生成档案时出错，请稍后重新申请');
      audit(em, { actorId: job.requester_id, action: 'archive.failed', targetType: job.group_id ? 'group' : 'user', targetId: job.group_id ?? job.requester_id, after: { exportId } });
    });
  }
}
