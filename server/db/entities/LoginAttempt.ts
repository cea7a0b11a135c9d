import { EntitySchema } from '@mikro-orm/core';

/**
 * One login try, kept for throttling. Keyed by the login name as typed (not the user row)
 * so that an unknown name locks exactly like a known one and reveals nothing.
 */
export class LoginAttempt {
  id!: string;
  loginName!: string;
  ip!: string;
  succeeded!: boolean;
  at: Date = new Date();
}

export const LoginAttemptSchema = new EntitySchema<LoginAttempt>({
  class: LoginAttempt,
  tableName: 'login_attempt',
  indexes: [
    { name: 'login_attempt_login_name_at_index', properties: ['loginName', 'at'] },
    { name: 'login_attempt_ip_at_index', properties: ['ip', 'at'] },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    loginName: { type: 'string', length: 300 },
    ip: { type: 'string', length: 64 },
    succeeded: { type: 'boolean' },
    at: { type: 'datetime', columnType: 'timestamptz' },
  },
});
