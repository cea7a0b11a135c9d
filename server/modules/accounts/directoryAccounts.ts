import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { User } from '../../db/entities/index.js';

/**
 * What accounts know of directory sign-in (the LDAP side lives in modules/ldap, which builds on
 * accounts and org; it reaches login through Deps.directory).
 */
export interface DirectorySignIn {
  /**
   * The account of the person the directory knows by this login name with this password,
   * created or updated from the directory now; null when the directory does not confirm the
   * password (or knows no such person). Throws DIRECTORY_UNAVAILABLE when it does not answer.
   * `disabledNow`: the directory marks the person disabled and the account was disabled just now.
   */
  signIn(em: EntityManager, loginName: string, password: string): Promise<{ user: User; disabledNow: boolean } | null>;
  /**
   * Whether the directory knows anyone by this login name: a local account of that name would
   * shut them out of directory sign-in for good. Throws DIRECTORY_UNAVAILABLE when it does not answer.
   */
  hasPerson(loginName: string): Promise<boolean>;
}

export const DIRECTORY_LOGIN_TAKEN_MESSAGE = '该登录名属于统一身份认证目录中的人员，请直接用目录密码登录';

export const DIRECTORY_PASSWORD_MESSAGE = '您的账号使用统一身份认证（目录）登录，密码请在单位的统一身份认证系统中修改';
export const DIRECTORY_LOGIN_OFF_MESSAGE = '此账号使用统一身份认证（目录）登录，但本系统目前未启用目录登录，请联系系统管理员';
export const DIRECTORY_IDENTITY_MESSAGE = '此人的真实姓名和所属单位来自统一身份认证目录，只能在目录中修改';

export type DirectoryField = 'realName' | 'unit' | 'title' | 'phone';

/**
 * The fields of an account that come from the directory and are read-only here: real name and
 * unit for every directory account; title and phone while their attributes are mapped.
 */
export function directoryFields(config: Config, user: Pick<User, 'directoryDn'>): DirectoryField[] {
  if (!user.directoryDn) return [];
  const fields: DirectoryField[] = ['realName', 'unit'];
  if (config.directory?.attributes.title) fields.push('title');
  if (config.directory?.attributes.phone) fields.push('phone');
  return fields;
}
