import type { EntityManager } from '@mikro-orm/postgresql';
import type { Entry } from 'ldapts';
import type { DirectoryConfig } from '../../config.js';
import { OrgUnit, User } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { enqueueJob, ensureJobQueued, type JobHandler } from '../scheduler/jobs.js';
import { DirectoryConnection } from './client.js';
import { applyPerson, disableAccount, PersonSkipped, unitForChain } from './accounts.js';
import { directoryPersonOf, ouChain } from './entries.js';
import { lockDirectory } from './store.js';

/**
 * The directory sync (`npm run admin -- sync-ldap`, and every LDAP_SYNC_MINUTES as a scheduled
 * job): every unit and person of the directory created or updated; directory accounts whose
 * person is gone or disabled there are disabled here, their sessions ended at once and their
 * sockets closed after commit. Reads the directory first, then writes in the caller's transaction
 * under the directory lock (one sync at a time, on any instance; sign-ins do not wait for it).
 */

export interface SyncSummary {
  /** People the directory lists. */
  people: number;
  created: number;
  updated: number;
  unchanged: number;
  enabled: number;
  disabled: number;
  unitsCreated: number;
  /** Entries that cannot be accounts, with the reason (Chinese). */
  skipped: string[];
}

export const SYNC_JOB = 'directory.sync';

/** Reads people and units (no rows touched); DIRECTORY_UNAVAILABLE when the directory does not answer. */
async function readDirectory(config: DirectoryConfig): Promise<{ people: Entry[]; units: Entry[] }> {
  const connection = await DirectoryConnection.open(config);
  try {
    return { people: await connection.listPeople(), units: config.attributes.unit ? [] : await connection.listUnits() };
  } finally {
    await connection.close();
  }
}

/** Runs the sync in the caller's transaction; `endSessions` is told whose sockets to close once it commits. */
export async function syncDirectory(em: EntityManager, config: DirectoryConfig, endSessions: (userId: string) => void): Promise<SyncSummary> {
  const directory = await readDirectory(config);
  // An empty answer is far likelier a wrong base or filter than a directory without anyone: disabling everyone would be the wrong reaction.
  if (!directory.people.length) throw new Error(`目录中 ${config.searchBase} 之下没有找到任何人员（过滤条件 ${config.userFilter}）。为防止误停用全部目录账号，本次同步未做任何修改，请检查 LDAP_SEARCH_BASE 和 LDAP_USER_FILTER`);
  await lockDirectory(em);
  const summary: SyncSummary = { people: directory.people.length, created: 0, updated: 0, unchanged: 0, enabled: 0, disabled: 0, unitsCreated: 0, skipped: [] };
  const createdUnits: OrgUnit[] = [];
  for (const entry of directory.units) await unitForChain(em, config, ouChain(config, entry.dn, true), createdUnits);

  const listedDns = new Set<string>();
  for (const entry of directory.people) {
    listedDns.add(entry.dn.toLowerCase());
    const person = directoryPersonOf(config, entry);
    if ('skipped' in person) {
      summary.skipped.push(person.skipped);
      continue;
    }
    try {
      const applied = await applyPerson(em, config, person, createdUnits);
      summary[applied.change] += 1;
      if (applied.ended) endSessions(applied.user.id);
    } catch (error) {
      if (!(error instanceof PersonSkipped)) throw error;
      summary.skipped.push(error.message);
    }
  }

  const accounts = await em.find(User, { directoryDn: { $ne: null }, status: 'active' }, { populate: ['unit'] });
  for (const user of accounts) {
    // By DN only: an entry that reuses the login name under another DN is someone else (applyPerson refuses it).
    if (listedDns.has(user.directoryDn!.toLowerCase())) continue;
    await disableAccount(em, user);
    summary.disabled += 1;
    endSessions(user.id);
  }
  summary.unitsCreated = createdUnits.length;
  audit(em, { actorId: null, action: 'directory.synced', targetType: 'system', targetId: 'directory', after: { ...summary, skipped: summary.skipped.length } });
  await em.flush();
  return summary;
}

/** Closes the sockets of people a sync outside the server (the admin command) disabled. */
export const CLOSE_SOCKETS_JOB = 'directory.close_sockets';

/**
 * `sync-ldap`, outside any server: the sync in one transaction. The sessions of disabled people
 * end with it (their next request is refused); their open sockets are closed by a running
 * instance's scheduler, which takes the queued job within SCHEDULER_POLL_MS.
 */
export async function syncDirectoryOnce(em: EntityManager, config: DirectoryConfig): Promise<SyncSummary> {
  return em.transactional(async (tem) => {
    const ended: string[] = [];
    const summary = await syncDirectory(tem, config, (userId) => ended.push(userId));
    if (ended.length) await enqueueJob(tem, { kind: CLOSE_SOCKETS_JOB, runAt: new Date(), data: { userIds: ended } });
    return summary;
  });
}

/**
 * The scheduled sync: runs, then queues the next run LDAP_SYNC_MINUTES later. A failed run
 * (directory down, wrong settings) writes nothing of its own (a savepoint), is audited with its
 * reason, and the next run is queued all the same.
 */
export function directoryJobs(config: DirectoryConfig | null): Record<string, JobHandler> {
  return {
    [SYNC_JOB]: async (em, _job, _emit, endSessions) => {
      if (!config || config.syncMinutes <= 0) return;
      const ended: string[] = [];
      try {
        await em.transactional((inner) => syncDirectory(inner, config, (userId) => ended.push(userId)));
        for (const userId of ended) endSessions?.(userId);
      } catch (error) {
        audit(em, { actorId: null, action: 'directory.synced', targetType: 'system', targetId: 'directory', after: { failed: error instanceof Error ? error.message : String(error) } });
      }
      await enqueueJob(em, { kind: SYNC_JOB, runAt: new Date(Date.now() + config.syncMinutes * 60_000) });
      await em.flush();
    },
    [CLOSE_SOCKETS_JOB]: async (_em, job, _emit, endSessions) => {
      const userIds = job.data?.userIds;
      if (Array.isArray(userIds)) for (const userId of userIds) endSessions?.(String(userId));
    },
  };
}

/** At start: a sync is queued (due now at the latest one interval away), unless there is no schedule. */
export async function scheduleDirectorySync(em: EntityManager, config: DirectoryConfig | null): Promise<void> {
  if (!config || config.syncMinutes <= 0) return;
  await ensureJobQueued(em, SYNC_JOB, new Date(Date.now() + config.syncMinutes * 60_000));
}
