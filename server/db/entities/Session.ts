import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { User } from './User.js';

/** A signed-in browser or API client. Only the SHA-256 of the token is stored. */
export class Session {
  id: string = randomUUID();
  user!: Ref<User>;
  tokenHash!: string;
  createdAt: Date = new Date();
  lastUsedAt: Date = new Date();
  expiresAt!: Date;
  ip: string | null = null;
  userAgent: string | null = null;
}

export const SessionSchema = new EntitySchema<Session>({
  class: Session,
  tableName: 'session',
  properties: {
    id: { type: 'uuid', primary: true },
    user: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade', index: 'session_user_id_index' },
    tokenHash: { type: 'string', length: 64, unique: 'session_token_hash_unique' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    lastUsedAt: { type: 'datetime', columnType: 'timestamptz' },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
    ip: { type: 'string', length: 64, nullable: true },
    userAgent: { type: 'string', length: 300, nullable: true },
  },
});
