import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import { rateLimited } from '../../errors.js';

/**
 * Login throttling kept in PostgreSQL, so it holds across restarts and instances.
 * Per login name: failures since the last success within the window lock it.
 * Per address: failures within the window refuse further tries from there.
 *
 * Check and record happen in one transaction under advisory locks on the name and the
 * address, and the attempt is recorded as a failure *before* the password is verified
 * (then marked succeeded). Parallel guesses therefore cannot all pass the check at once.
 */
export async function beginLoginAttempt(em: EntityManager, config: Config, loginName: string, ip: string): Promise<string> {
  const { windowMinutes, maxFailuresPerAccount, maxFailuresPerAddress } = config.login;
  const name = loginName.slice(0, 300);
  const address = ip.slice(0, 64);
  return em.fork().transactional(async (tem) => {
    // Fixed order (name, then address) so that two requests never wait on each other crosswise.
    await tem.execute(`select pg_advisory_xact_lock(hashtext('login-name:' || ?)), pg_advisory_xact_lock(hashtext('login-ip:' || ?))`, [name, address]);
    const [row] = await tem.execute<Array<{ account_failures: string; account_oldest: Date | null; address_failures: string; address_oldest: Date | null }>>(
      `with last_success as (
         select max(at) as at from login_attempt where login_name = ? and succeeded
       ), account as (
         select count(*) as n, min(at) as oldest from login_attempt
          where login_name = ? and not succeeded and at > now() - make_interval(mins => ?)
            and at > coalesce((select at from last_success), '-infinity')
       ), address as (
         select count(*) as n, min(at) as oldest from login_attempt
          where ip = ? and not succeeded and at > now() - make_interval(mins => ?)
       )
       select account.n as account_failures, account.oldest as account_oldest,
              address.n as address_failures, address.oldest as address_oldest
         from account, address`,
      [name, name, windowMinutes, address, windowMinutes],
    );
    const retryAfter = (oldest: Date | null) =>
      Math.max(1, Math.ceil(((oldest ? new Date(oldest).getTime() : Date.now()) + windowMinutes * 60_000 - Date.now()) / 1000));
    if (Number(row.address_failures) >= maxFailuresPerAddress) {
      const seconds = retryAfter(row.address_oldest);
      throw rateLimited(`来自您所在网络的登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`, seconds);
    }
    if (Number(row.account_failures) >= maxFailuresPerAccount) {
      const seconds = retryAfter(row.account_oldest);
      throw rateLimited(`该账号登录失败次数过多，已临时锁定，请 ${Math.ceil(seconds / 60)} 分钟后再试`, seconds);
    }
    const [inserted] = await tem.execute<Array<{ id: string }>>(
      `insert into login_attempt (login_name, ip, succeeded, at) values (?, ?, false, now()) returning id`,
      [name, address],
    );
    return String(inserted.id);
  });
}

/** The password was right: the attempt counts as a success (and ends the failure streak). */
export async function markLoginSucceeded(em: EntityManager, attemptId: string): Promise<void> {
  await em.fork().execute(`update login_attempt set succeeded = true, at = now() where id = ?`, [attemptId]);
}

/** Attempts older than a day no longer matter to any window. */
export async function pruneLoginAttempts(em: EntityManager): Promise<number> {
  const result = await em.getConnection().execute<{ affectedRows: number }>(`delete from login_attempt where at < now() - interval '1 day'`, [], 'run');
  return result.affectedRows ?? 0;
}
