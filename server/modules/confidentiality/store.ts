import type { EntityManager } from '@mikro-orm/postgresql';
import type { AudienceSubjectKind, ConfidentialityLevel, SensitiveAction, SensitiveRuleKind } from '../../db/entities/index.js';
import { rows, sql, sqlText } from '../../db/statement.js';

/**
 * Confidentiality's SQL: raising levels (a conditional update, so two raises at once cannot both
 * pass the "only up" check), restricted audiences, the sensitive-word rules, and batched previews.
 */

// --- Levels and audiences --------------------------------------------------------------------

const LEVEL_TABLE = { message: 'message', thread: 'thread', reply: 'thread_reply' } as const;

/** Sets a level if it is still `current`; false when someone changed it meanwhile. */
export async function raiseLevel(em: EntityManager, kind: keyof typeof LEVEL_TABLE, id: string, current: ConfidentialityLevel, level: ConfidentialityLevel): Promise<boolean> {
  const changed = await rows<{ id: string }>(em, sql`update ${sqlText(LEVEL_TABLE[kind])} set confidentiality = ${level} where id = ${id} and confidentiality = ${current} returning id`);
  return changed.length > 0;
}

/** Names the readers of restricted content (added to any named before). */
export async function addAudience(em: EntityManager, subjectId: string, kind: AudienceSubjectKind, userIds: string[]): Promise<void> {
  await rows(em, sql`insert into content_audience (subject_id, user_id, kind) select ${subjectId}, u, ${kind} from unnest(${`{${userIds.join(',')}}`}::uuid[]) as u on conflict do nothing`);
}

/** Titles and levels of threads, for previews. */
export function threadPreviewRows(em: EntityManager, ids: string[]) {
  return rows<{ id: string; title: string; confidentiality: ConfidentialityLevel }>(em, sql`select id, title, confidentiality from thread where id in (${ids})`);
}

/** Bodies and levels of replies, for previews. */
export function replyPreviewRows(em: EntityManager, ids: string[]) {
  return rows<{ id: string; body: string; deleted_at: Date | null; confidentiality: ConfidentialityLevel }>(em, sql`select id, body, deleted_at, confidentiality from thread_reply where id in (${ids})`);
}

// --- Sensitive-word rules --------------------------------------------------------------------

export interface RuleRow {
  id: string;
  group_id: string | null;
  kind: SensitiveRuleKind;
  value: string;
  action: SensitiveAction;
}

/** The system's rules and the group's, oldest first. */
export function rulesOfGroup(em: EntityManager, groupId: string) {
  return rows<RuleRow>(em, sql`select id, group_id, kind, value, action from sensitive_rule where group_id is null or group_id = ${groupId} order by created_at, id`);
}

export async function findRule(em: EntityManager, id: string): Promise<RuleRow | undefined> {
  const [row] = await rows<RuleRow>(em, sql`select id, group_id, kind, value, action from sensitive_rule where id = ${id}`);
  return row;
}

export async function countGroupRules(em: EntityManager, groupId: string): Promise<number> {
  const [count] = await rows<{ n: string }>(em, sql`select count(*) as n from sensitive_rule where group_id = ${groupId}`);
  return Number(count.n);
}

/** The group's own rule for a term or pattern, locked (none: undefined). */
export async function lockGroupRule(em: EntityManager, groupId: string, kind: SensitiveRuleKind, value: string): Promise<{ action: SensitiveAction } | undefined> {
  const [row] = await rows<{ action: SensitiveAction }>(em, sql`select action from sensitive_rule where group_id = ${groupId} and kind = ${kind} and value = ${value} for update`);
  return row;
}

/** Adds the group's rule, or sets its action. */
export async function upsertGroupRule(em: EntityManager, groupId: string, rule: { kind: SensitiveRuleKind; value: string; action: SensitiveAction }, actorId: string): Promise<void> {
  await rows(
    em,
    sql`insert into sensitive_rule (id, group_id, kind, value, action, created_by_id, created_at) values (gen_random_uuid(), ${groupId}, ${rule.kind}, ${rule.value}, ${rule.action}, ${actorId}, now())
       on conflict (coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, value) do update set action = excluded.action`,
  );
}

/** Deletes a rule; false when it was gone already. */
export async function deleteRule(em: EntityManager, id: string): Promise<boolean> {
  const deleted = await rows<{ id: string }>(em, sql`delete from sensitive_rule where id = ${id} returning id`);
  return deleted.length > 0;
}
