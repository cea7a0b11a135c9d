import { raiseMessageConfidentiality, raiseReplyConfidentiality, raiseThreadConfidentiality } from '../../modules/confidentiality/raise.js';
import { dryRunCheck, groupRules, removeGroupRule, setGroupRule, type RuleView } from '../../modules/confidentiality/rules.js';
import type { GraphQLContext } from '../context.js';

type Ctx = GraphQLContext;
const upper = (value: string) => value.toUpperCase();
const present = (rules: RuleView[]) => rules.map((r) => ({ ...r, kind: upper(r.kind), action: upper(r.action) }));

export const confidentialityQueries = {
  sensitiveRules: async (_: unknown, args: { groupId: string }, { domain }: Ctx) => present(await groupRules(domain, args.groupId)),
  checkSensitiveContent: (_: unknown, args: { groupId?: string | null; text: string }, { domain }: Ctx) => dryRunCheck(domain, args.groupId ?? null, args.text),
};

export const confidentialityMutations = {
  setSensitiveRule: async (_: unknown, args: { groupId: string; kind: string; value: string; action: string }, { domain }: Ctx) =>
    present(await setGroupRule(domain, args.groupId, args.kind, args.value, args.action)),
  removeSensitiveRule: async (_: unknown, args: { ruleId: string }, { domain }: Ctx) => present(await removeGroupRule(domain, args.ruleId)),
  raiseMessageConfidentiality: (_: unknown, args: { messageId: string; confidentiality: string; audienceUserIds?: string[] }, { domain }: Ctx) =>
    raiseMessageConfidentiality(domain, args.messageId, args.confidentiality, args.audienceUserIds),
  raiseThreadConfidentiality: (_: unknown, args: { threadId: string; confidentiality: string; audienceUserIds?: string[] }, { domain }: Ctx) =>
    raiseThreadConfidentiality(domain, args.threadId, args.confidentiality, args.audienceUserIds),
  raiseReplyConfidentiality: (_: unknown, args: { replyId: string; confidentiality: string }, { domain }: Ctx) => raiseReplyConfidentiality(domain, args.replyId, args.confidentiality, null),
};
