import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup } from './Chat.js';
import { User } from './User.js';

/**
 * Confidentiality flags (保密标识) and the sensitive-content rules (保密提醒).
 *
 * Messages, threads and replies carry a `confidentiality` column (see Chat.ts and Forum.ts):
 * 'normal' (普通, the default), 'internal' (内部) or 'restricted' (受限). Restricted content is
 * readable by its author, the members named in `content_audience`, and the current owner and
 * admins of its group (SQL: `jl_may_read`, created by the Confidentiality migration; queries use
 * it through `mayReadSql` in modules/confidentiality/levels.ts).
 */
export type ConfidentialityLevel = 'normal' | 'internal' | 'restricted';
export const CONFIDENTIALITY_LEVELS: readonly ConfidentialityLevel[] = ['normal', 'internal', 'restricted'];
/** Strictly ordered: a level is only ever raised. */
export const levelRank = (level: ConfidentialityLevel): number => CONFIDENTIALITY_LEVELS.indexOf(level);

export type AudienceSubjectKind = 'message' | 'thread' | 'reply';

/** One named reader of one restricted message, thread or reply. */
export class ContentAudience {
  subjectId!: string;
  user!: Ref<User>;
  kind!: AudienceSubjectKind;
}

export const ContentAudienceSchema = new EntitySchema<ContentAudience>({
  class: ContentAudience,
  tableName: 'content_audience',
  properties: {
    subjectId: { type: 'uuid', primary: true },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'content_audience_user_id_index' },
    kind: { enum: true, items: ['message', 'thread', 'reply'] },
  },
});

export type SensitiveRuleKind = 'term' | 'pattern';
export type SensitiveAction = 'warn' | 'block';
/** The built-in patterns a rule row may name (kind 'pattern'). */
export const SENSITIVE_PATTERNS = ['resident_id', 'mobile', 'bank_card'] as const;
export type SensitivePattern = (typeof SENSITIVE_PATTERNS)[number];

/**
 * A sensitive-content rule. `group` null: a system-level rule (system admins); otherwise one
 * group's (its owner and admins). A row with the same kind and value as a built-in or system
 * rule overrides its action for that scope (only ever stricter: warn → block).
 */
export class SensitiveRule {
  id: string = randomUUID();
  group: Ref<ChatGroup> | null = null;
  kind!: SensitiveRuleKind;
  /** The term itself (kind 'term'), or one of SENSITIVE_PATTERNS (kind 'pattern'). */
  value!: string;
  action: SensitiveAction = 'warn';
  createdBy: Ref<User> | null = null;
  createdAt: Date = new Date();
}

export const SensitiveRuleSchema = new EntitySchema<SensitiveRule>({
  class: SensitiveRule,
  tableName: 'sensitive_rule',
  indexes: [
    {
      name: 'sensitive_rule_scope_unique',
      expression: `create unique index "sensitive_rule_scope_unique" on "sensitive_rule" (coalesce("group_id", '00000000-0000-0000-0000-000000000000'::uuid), "kind", "value")`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, nullable: true, deleteRule: 'cascade', index: 'sensitive_rule_group_id_index' },
    kind: { enum: true, items: ['term', 'pattern'] },
    value: { type: 'string', length: 30 },
    action: { enum: true, items: ['warn', 'block'] },
    createdBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const confidentialityEntities = [ContentAudienceSchema, SensitiveRuleSchema];
