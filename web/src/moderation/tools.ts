/**
 * 群管理's tools that had existed only in the API: the standing warnings and bans (撤销警告,
 * 解除禁止), the warning-escalation rule (处罚规则), and the group's 保密提醒 rules (list, add,
 * remove). Each section loads on its own and shows its own empty state and Chinese errors.
 */
import { ApiError, gql, toApiError } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { notify } from '../notify.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { shanghai } from './context.js';
import { openDialog } from './dialogs.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const SANCTIONS = graphql(`query GroupSanctions($g: ID!) { groupSanctions(groupId: $g) { id kind reasonLabel note createdAt viewerCanLift user { id realName } actor { realName } } }`);
const REVOKE = graphql('mutation RevokeWarning($s: ID!, $r: String!) { revokeWarning(sanctionId: $s, reason: $r) { id } }');
const UNBAN = graphql('mutation Unban($g: ID!, $u: ID!, $n: String) { unbanMember(groupId: $g, userId: $u, note: $n) }');
const ESCALATION = graphql('mutation SetEscalation($g: ID!, $w: Int!, $d: Int!, $m: Int!) { setEscalationRule(groupId: $g, warnings: $w, windowDays: $d, muteMinutes: $m) { id moderation { escalation { warnings windowDays muteMinutes } } } }');
const RULES = graphql('query GroupSensitiveRules($g: ID!) { sensitiveRules(groupId: $g) { id kind value action scope } }');
const SET_RULE = graphql('mutation SetSensitiveRule($g: ID!, $k: SensitiveRuleKind!, $v: String!, $a: SensitiveAction!) { setSensitiveRule(groupId: $g, kind: $k, value: $v, action: $a) { id } }');
const REMOVE_RULE = graphql('mutation RemoveSensitiveRule($r: ID!) { removeSensitiveRule(ruleId: $r) { id } }');

type Sanction = ResultOf<typeof SANCTIONS>['groupSanctions'][number];
type Rule = ResultOf<typeof RULES>['sensitiveRules'][number];
export interface Escalation {
  warnings: number;
  windowDays: number;
  muteMinutes: number;
}

const PATTERN_NAMES: Record<string, string> = { resident_id: '身份证号', mobile: '手机号', bank_card: '银行卡号' };
const SCOPE_NAMES: Record<string, string> = { BUILT_IN: '系统内置', SYSTEM: '全系统', GROUP: '本群' };
const ACTION_NAMES: Record<string, string> = { WARN: '提醒确认', BLOCK: '禁止发送' };

/** 警告与禁止: warnings that still count, bans not lifted; each can be revoked or lifted (`onChanged`: the log has a new entry). */
export function sanctionsSection(groupId: string, signal: AbortSignal, onChanged: () => void): HTMLElement {
  const body = h('div', null, loading());
  async function load() {
    try {
      const { groupSanctions } = await gql(SANCTIONS, { g: groupId }, signal);
      replaceChildren(
        body,
        groupSanctions.length
          ? h('ul', { class: 'record-list' }, groupSanctions.map(item))
          : emptyState('没有有效的警告或禁止加入'),
      );
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(body, errorBox(shown, () => void load()));
    }
  }
  function item(s: Sanction): HTMLElement {
    const warning = s.kind === 'WARNING';
    const name = s.user.realName;
    const act = warning
      ? () => {
          const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500, 'aria-required': 'true', 'data-testid': 'revoke-reason' });
          openDialog(`撤销对 ${name} 的警告`, [{ name: 'reason', label: '撤销原因（必填，对方可见）', control: reason, value: () => reason.value.trim() }], '撤销警告', async (v) => {
            if (!v.reason) throw new ApiError('BAD_USER_INPUT', '请填写撤销原因');
            await gql(REVOKE, { s: s.id, r: v.reason });
            void load();
            onChanged();
            return `已撤销对 ${name} 的警告`;
          });
        }
      : () => {
          const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
          openDialog(`确定解除对 ${name} 的禁止加入？解除后对方可以重新申请或接受邀请加入本群。`, [{ name: 'note', label: '说明（选填）', control: note, value: () => note.value.trim() }], '解除禁止', async (v) => {
            await gql(UNBAN, { g: groupId, u: s.user.id, n: v.note || null });
            void load();
            onChanged();
            return `已解除对 ${name} 的禁止加入`;
          });
        };
    return h(
      'li',
      { 'data-testid': 'sanction', class: 'sanction-item' },
      h('span', { class: 'badge badge-warn' }, warning ? '警告' : '禁止加入'), ' ',
      h('strong', null, name),
      ` · ${s.reasonLabel}${s.note ? `：${s.note}` : ''} · ${shanghai(s.createdAt)}${s.actor ? ` · ${s.actor.realName}` : ''} `,
      s.viewerCanLift
        ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': warning ? 'sanction-revoke' : 'sanction-unban', onclick: act }, warning ? '撤销警告' : '解除禁止')
        : h('span', { class: 'muted' }, '（只有群主可以撤销）'),
    );
  }
  void load();
  return h('section', { class: 'moderation-tool', 'data-testid': 'sanctions', 'aria-labelledby': 'sanctions-title' }, h('h2', { id: 'sanctions-title' }, '警告与禁止加入'), body);
}

/** 处罚规则: how many warnings within how many days mute a member, and for how long. */
export function escalationSection(groupId: string, current: Escalation, onSaved: () => void): HTMLElement {
  const input = (name: string, value: number, min: number, max: number, testid: string) =>
    h('input', { type: 'number', name, value: String(value), min: String(min), max: String(max), step: '1', required: true, inputmode: 'numeric', 'data-testid': testid });
  const windowDays = input('windowDays', current.windowDays, 1, 365, 'escalation-days');
  const warnings = input('warnings', current.warnings, 1, 20, 'escalation-warnings');
  const muteMinutes = input('muteMinutes', current.muteMinutes, 10, 43200, 'escalation-minutes');
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'escalation-error' });
  const save = h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'escalation-save' }, '保存处罚规则');
  const form = h(
    'form',
    { class: 'escalation-form', 'data-testid': 'escalation-form', novalidate: true },
    h('p', { class: 'escalation-sentence' },
      h('label', null, windowDays, ' 天内'), ' ',
      h('label', null, warnings, ' 次有效警告，自动禁言'), ' ',
      h('label', null, muteMinutes, ' 分钟')),
    error,
    h('div', { class: 'form-actions' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const values = [warnings, windowDays, muteMinutes].map((el) => Number(el.value));
    if (values.some((n) => !Number.isInteger(n) || n <= 0)) {
      error.hidden = false;
      return setText(error, '请填写正整数');
    }
    save.disabled = true;
    gql(ESCALATION, { g: groupId, w: values[0], d: values[1], m: values[2] })
      .then(() => {
        notify('已保存处罚规则');
        onSaved();
      })
      .catch((e: unknown) => {
        error.hidden = false;
        setText(error, toApiError(e).message);
      })
      .finally(() => (save.disabled = false));
  });
  return h('section', { class: 'moderation-tool', 'data-testid': 'escalation', 'aria-labelledby': 'escalation-title' }, h('h2', { id: 'escalation-title' }, '处罚规则'), form);
}

/** 保密提醒规则: the rules in effect (built-in, system, this group's), adding a term, removing one of the group's. */
export function sensitiveRulesSection(groupId: string, signal: AbortSignal, onChanged: () => void): HTMLElement {
  const list = h('div', null, loading());
  const term = h('input', { type: 'text', name: 'term', maxlength: 30, placeholder: '例如：内部资料', 'aria-label': '敏感词', 'data-testid': 'rule-term' });
  const action = h('select', { name: 'action', 'aria-label': '处理方式', 'data-testid': 'rule-action' }, h('option', { value: 'WARN' }, '提醒确认（确认后按“内部”发送）'), h('option', { value: 'BLOCK' }, '禁止发送'));
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'rule-error' });
  const add = h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'rule-add' }, '添加敏感词');
  const form = h('form', { class: 'rule-form', 'data-testid': 'rule-form' }, h('label', null, '敏感词 ', term), h('label', null, '处理方式 ', action), add, error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const value = term.value.trim();
    if (!value) {
      error.hidden = false;
      return setText(error, '请填写敏感词');
    }
    add.disabled = true;
    gql(SET_RULE, { g: groupId, k: 'TERM', v: value, a: action.value as 'WARN' | 'BLOCK' })
      .then(() => {
        term.value = '';
        notify(`已添加敏感词「${value}」`);
        void load();
        onChanged();
      })
      .catch((e: unknown) => {
        error.hidden = false;
        setText(error, toApiError(e).message);
      })
      .finally(() => (add.disabled = false));
  });

  async function load() {
    try {
      const { sensitiveRules } = await gql(RULES, { g: groupId }, signal);
      replaceChildren(list, sensitiveRules.length ? h('ul', { class: 'record-list', 'data-testid': 'rule-list' }, sensitiveRules.map(item)) : emptyState('没有保密提醒规则'));
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(list, errorBox(shown, () => void load()));
    }
  }
  function item(r: Rule): HTMLElement {
    const what = r.kind === 'PATTERN' ? PATTERN_NAMES[r.value] ?? '号码规则' : `敏感词「${r.value}」`;
    const id = r.id;
    return h(
      'li',
      { 'data-testid': 'rule' },
      h('strong', null, what), ` · ${ACTION_NAMES[r.action]} · ${SCOPE_NAMES[r.scope]} `,
      r.scope === 'GROUP' && id
        ? h('button', {
            type: 'button',
            class: 'btn btn-small btn-secondary',
            'data-testid': 'rule-remove',
            onclick: () =>
              openDialog(`确定删除${what}？删除后本群不再按此规则提醒。`, [], '删除规则', async () => {
                await gql(REMOVE_RULE, { r: id });
                void load();
                onChanged();
                return `已删除${what}`;
              }),
          }, '删除')
        : null,
    );
  }
  void load();
  return h('section', { class: 'moderation-tool', 'data-testid': 'sensitive-rules', 'aria-labelledby': 'rules-title' },
    h('h2', { id: 'rules-title' }, '保密提醒规则'),
    h('p', { class: 'muted' }, '发言含这些内容时提醒发送人；系统内置和全系统规则不能在本群删除。'),
    list, form);
}
