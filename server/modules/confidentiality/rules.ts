import { audit } from '../../audit/logger.js';
import { SENSITIVE_PATTERNS, type SensitiveAction, type SensitiveRuleKind } from '../../db/entities/index.js';
import { badInput, notFound } from '../../errors.js';
import { authorize, can, isGroupMember } from '../../policies/index.js';
import { groupForActor } from '../groups/access.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { countGroupRules, deleteRule, findRule, lockGroupRule, rulesOfGroup, upsertGroupRule } from './store.js';
import { BUILT_IN_TERMS, matchRules, rulesFor, type SensitiveMatch } from '../content/sensitive.js';

/** One effective rule of a scope, as the rules page shows it. */
export interface RuleView {
  /** Null for built-in rules (they cannot be removed, only made stricter). */
  id: string | null;
  kind: SensitiveRuleKind;
  value: string;
  action: SensitiveAction;
  /** BUILT_IN, SYSTEM or GROUP: where the rule (or its strictest setting) comes from. */
  scope: 'BUILT_IN' | 'SYSTEM' | 'GROUP';
}

const MAX_TERM = 30;
const MAX_GROUP_RULES = 200;

/** The rules that apply in a group (members may read them: they are told what to avoid). */
export async function groupRules(ctx: DomainContext, groupId: unknown): Promise<RuleView[]> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  if (!isGroupMember(actor, access)) throw notFound('群组');
  const rows = await rulesOfGroup(ctx.em, access.group.id);
  const views = new Map<string, RuleView>();
  for (const term of BUILT_IN_TERMS) views.set(`term:${term}`, { id: null, kind: 'term', value: term, action: 'warn', scope: 'BUILT_IN' });
  for (const pattern of SENSITIVE_PATTERNS) views.set(`pattern:${pattern}`, { id: null, kind: 'pattern', value: pattern, action: 'warn', scope: 'BUILT_IN' });
  // System rows first, then the group's: a later row replaces an earlier one if not weaker.
  for (const row of [...rows.filter((r) => !r.group_id), ...rows.filter((r) => r.group_id)]) {
    const key = `${row.kind}:${row.value}`;
    const prior = views.get(key);
    if (prior && prior.action === 'block' && row.action === 'warn') continue;
    views.set(key, { id: row.id, kind: row.kind, value: row.value, action: row.action, scope: row.group_id ? 'GROUP' : 'SYSTEM' });
  }
  return [...views.values()];
}

function validRule(kind: unknown, value: unknown, action: unknown): { kind: SensitiveRuleKind; value: string; action: SensitiveAction } {
  const k = String(kind ?? '').toLowerCase();
  const a = String(action ?? '').toLowerCase();
  if (k !== 'term' && k !== 'pattern') throw badInput('规则类型无效', 'kind');
  if (a !== 'warn' && a !== 'block') throw badInput('处理方式无效', 'action');
  let v = String(value ?? '').normalize('NFC').trim();
  if (k === 'pattern') {
    v = v.toLowerCase();
    if (!(SENSITIVE_PATTERNS as readonly string[]).includes(v)) throw badInput('没有这种识别规则', 'value');
  } else {
    if (!v) throw badInput('请填写敏感词', 'value');
    if ([...v].length > MAX_TERM) throw badInput(`敏感词不能超过 ${MAX_TERM} 个字`, 'value');
    if (/[\p{Cc}\p{Cf}]/u.test(v)) throw badInput('敏感词不能包含控制字符', 'value');
  }
  return { kind: k, value: v, action: a };
}

/**
 * Adds a group's term, or sets the action of a term or pattern for the group (upsert). A group
 * only tightens: a warning rule of its own may be set to block, and any system or built-in rule
 * may be made a block for this group; a system-level block stays a block.
 */
export async function setGroupRule(ctx: DomainContext, groupId: unknown, kind: unknown, value: unknown, action: unknown): Promise<RuleView[]> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  if (!can(actor, 'readSensitiveRules', access)) throw notFound('群组');
  authorize(actor, 'manageSensitiveRules', access, '只有群主和管理员可以管理本群的保密提醒规则');
  const rule = validRule(kind, value, action);
  await ctx.em.transactional(async (em) => {
    if ((await countGroupRules(em, access.group.id)) >= MAX_GROUP_RULES) throw badInput(`每个群最多 ${MAX_GROUP_RULES} 条规则`);
    const before = await lockGroupRule(em, access.group.id, rule.kind, rule.value);
    await upsertGroupRule(em, access.group.id, rule, actor.userId);
    audit(em, {
      actorId: actor.userId,
      action: 'content.sensitive_rule_set',
      targetType: 'group',
      targetId: access.group.id,
      before: before ? { kind: rule.kind, value: rule.value, action: before.action } : null,
      after: rule,
      ip: ctx.ip,
    });
  });
  ctx.deps.caches.invalidate('sensitiveRules', access.group.id);
  return groupRules(ctx, access.group.id);
}

/** Removes one of the group's own rules (built-in and system rules stay). */
export async function removeGroupRule(ctx: DomainContext, ruleId: unknown): Promise<RuleView[]> {
  const actor = requireActor(ctx);
  if (!isUuid(ruleId)) throw notFound('规则');
  const row = await findRule(ctx.em, ruleId);
  if (!row?.group_id) throw notFound('规则');
  let access;
  try {
    access = await groupForActor(ctx.em, actor, row.group_id);
  } catch {
    throw notFound('规则');
  }
  if (!can(actor, 'readSensitiveRules', access)) throw notFound('规则');
  authorize(actor, 'manageSensitiveRules', access, '只有群主和管理员可以管理本群的保密提醒规则');
  await ctx.em.transactional(async (em) => {
    if (!(await deleteRule(em, row.id))) throw notFound('规则');
    audit(em, {
      actorId: actor.userId,
      action: 'content.sensitive_rule_removed',
      targetType: 'group',
      targetId: row.group_id!,
      before: { kind: row.kind, value: row.value, action: row.action },
      ip: ctx.ip,
    });
  });
  ctx.deps.caches.invalidate('sensitiveRules', row.group_id);
  return groupRules(ctx, row.group_id);
}


/** The matches a text would trip in a group (or in private chats: groupId null), without sending it. */
export async function dryRunCheck(ctx: DomainContext, groupId: unknown, text: unknown): Promise<SensitiveMatch[]> {
  const actor = requireActor(ctx);
  let scope: string | null = null;
  if (groupId !== null && groupId !== undefined) {
    const access = await groupForActor(ctx.em, actor, groupId);
    if (!isGroupMember(actor, access)) throw notFound('群组');
    scope = access.group.id;
  }
  const body = String(text ?? '');
  if ([...body].length > 20_000) throw badInput('内容过长', 'text');
  return matchRules(await rulesFor(ctx.em, scope), body);
}
