import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DirectoryConfig } from '../../config.js';
import { User } from '../../db/entities/index.js';
import { forbidden } from '../../errors.js';
import type { DirectorySignIn } from '../accounts/directoryAccounts.js';
import { DirectoryConnection, passwordMatches } from './client.js';
import { applyPerson, PersonSkipped } from './accounts.js';
import { directoryPersonOf } from './entries.js';

/**
 * Sign-in against the directory: bind as the service account, find the one entry of the login
 * name (the value escaped into LDAP_USER_FILTER), bind as that entry with the password, then
 * create or update the account and its unit from the entry. Throttling comes before (auth.ts).
 */
export function directorySignIn(config: DirectoryConfig): DirectorySignIn {
  return {
    async signIn(em: EntityManager, loginName: string, password: string) {
      const connection = await DirectoryConnection.open(config);
      const entry = await connection.findPerson(loginName).finally(() => connection.close());
      if (!entry || !(await passwordMatches(config, entry.dn, password))) return null;
      const person = directoryPersonOf(config, entry);
      if ('skipped' in person) throw forbidden(`目录中的账号信息不完整，无法登录，请联系系统管理员（${person.skipped}）`);
      const apply = () => em.transactional((tem) => applyPerson(tem, config, person));
      // No lock (a long sync must not hold sign-ins up): a sync or sign-in that created the same
      // account or unit a moment earlier makes the insert collide once; the retry then finds it.
      const applied = await apply()
        .catch((error: unknown) => {
          if (error instanceof UniqueConstraintViolationException) return apply();
          throw error;
        })
        .catch((error: unknown) => {
          if (error instanceof PersonSkipped) throw forbidden(`无法用目录账号登录：${error.message}`);
          throw error;
        });
      const user = await em.findOneOrFail(User, { id: applied.user.id }, { populate: ['unit', 'adminUnits'], refresh: true });
      return { user, disabledNow: applied.ended };
    },
    async hasPerson(loginName: string) {
      const connection = await DirectoryConnection.open(config);
      return connection.hasPerson(loginName).finally(() => connection.close());
    },
  };
}
