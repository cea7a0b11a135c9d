import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import { rateLimited } from '../../errors.js';
import { deleteLoginAttempt, deleteOldLoginAttempts, insertFailedLoginAttempt, lockLoginAttempt, loginFailureCounts, markLoginAttemptSucceeded } from './store.js';

/**
 * Login throttling kept in PostgreSQL, so it holds across restarts and instances. No one can
 * lock another person out by failing to sign in as them:
 * - per (login name, address): failures from that address since its last success there, within
 *   the window, refuse that address for that name (the owner elsewhere is not affected);
 * - per address: failures within the window refuse further tries from there, whatever the name;
 * - per login name, from anywhere: beyond `slowdownAfterFailures` failures since the last
 *   success, the next attempt is allowed only some time after the latest failure (250 ms,
 *   doubling, at most `maxSlowdownMs`); an earlier one is answered RATE_LIMITED with
 *   retryAfterSeconds and not recorded. Guesses from many addresses, parallel or not, thus get
 *   one verification per interval between them, while the owner still signs in after it.
 *
 * Check and record happen in one transaction under advisory locks on the name and the
 * address, and the attempt is recorded as a failure *before* the password is verified
 * (then marked succeeded). Parallel guesses therefore cannot all pass the check at once, and
 * none sleeps holding a request.
 */
export async function beginLoginAttempt(em: EntityManager, config: Config, loginName: string, ip: string): Promise<string> {
  const { windowMinutes, maxFailuresPerAccount, maxFailuresPerAddress } = config.login;
  const name = loginName.slice(0, 300);
  const address = ip.slice(0, 64);
  return em.fork().transactional(async (tem) => {
    // Fixed order (name, then address) so that two requests never wait on each other crosswise.
    await lockLoginAttempt(tem, name, address);
    const row = await loginFailureCounts(tem, name, address, windowMinutes);
    const retryAfter = (oldest: Date | null) =>
      Math.max(1, Math.ceil(((oldest ? new Date(oldest).getTime() : Date.now()) + windowMinutes * 60_000 - Date.now()) / 1000));
    if (Number(row.address_failures) >= maxFailuresPerAddress) {
      const seconds = retryAfter(row.address_oldest);
      throw rateLimited(`来自您所在网络的登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`, seconds);
    }
    if (Number(row.pair_failures) >= maxFailuresPerAccount) {
      const seconds = retryAfter(row.pair_oldest);
      throw rateLimited(`该账号在您所在网络登录失败次数过多，已暂停从此处登录，请 ${Math.ceil(seconds / 60)} 分钟后再试`, seconds);
    }
    // The name's next allowed attempt: the latest failure (in-flight attempts count) plus the slow-down.
    const interval = loginSlowdownMs(config, Number(row.account_failures));
    const early = row.account_last ? new Date(row.account_last).getTime() + interval - new Date(row.db_now).getTime() : 0;
    if (interval > 0 && early > 0) {
      const seconds = Math.max(1, Math.ceil(early / 1000));
      throw rateLimited(`该账号登录失败次数过多，请 ${seconds} 秒后再试`, seconds);
    }
    return insertFailedLoginAttempt(tem, name, address);
  });
}

/** How long after the name's latest failure its next attempt may come, given its failures since its last success. */
export function loginSlowdownMs(config: Config, accountFailures: number): number {
  const { slowdownAfterFailures, maxSlowdownMs } = config.login;
  const beyond = accountFailures - slowdownAfterFailures;
  if (beyond < 0 || maxSlowdownMs <= 0) return 0;
  return Math.min(maxSlowdownMs, 250 * 2 ** Math.min(beyond, 16));
}

/** The password was right: the attempt counts as a success (and ends the failure streak). */
export async function markLoginSucceeded(em: EntityManager, attemptId: string): Promise<void> {
  await markLoginAttemptSucceeded(em.fork(), attemptId);
}

/** The password could not be checked at all (the directory was down): the attempt does not count either way. */
export async function forgetLoginAttempt(em: EntityManager, attemptId: string): Promise<void> {
  await deleteLoginAttempt(em.fork(), attemptId);
}

/** Attempts older than a day no longer matter to any window. */
export async function pruneLoginAttempts(em: EntityManager): Promise<number> {
  return deleteOldLoginAttempts(em);
}
