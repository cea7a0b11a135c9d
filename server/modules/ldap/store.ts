import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql } from '../../db/statement.js';

/** The directory's SQL: the lock that lets one sync run at a time, on any instance. */

/** Waits for, then holds until the transaction ends, the directory sync's lock. */
export async function lockDirectory(em: EntityManager): Promise<void> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtext('jiaoliu-directory-sync'))`);
}
