import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from './passwords.js';
import { activePasswordHashesOf } from './store.js';

/**
 * Which of these accounts still sign in with a password everyone knows (the demo accounts' one,
 * published in README.md). A production start refuses while any active one does (SECURITY 35).
 * Only the named accounts are checked: one argon2 verification each.
 */
export async function accountsWithPassword(em: EntityManager, hasher: PasswordHasher, loginNames: string[], password: string): Promise<string[]> {
  const accounts = await activePasswordHashesOf(em, loginNames);
  const matches = await Promise.all(accounts.map(async (a) => (a.password_hash && (await hasher.verify(a.password_hash, password)) ? a.login_name : null)));
  return matches.filter((name): name is string => name !== null);
}
