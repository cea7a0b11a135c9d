/** How an official is shown: header with name and badges, and the facts list. Used by #/users/<id> and #/me. */
import { h, type Child } from './dom.js';
import { formatDate, formatDateTime } from './format.js';
import { graphql, type ResultOf } from './graphql/index.js';
import { facts, statusBadge } from './ui.js';

/** An official as #/users/<id> and #/me select them. */
export const ProfileFields = graphql(`fragment ProfileFields on User { id loginName realName title phone status statusReason applicationNote isSystemAdmin createdAt reviewedAt
  reviewedBy { id realName }
  unit { id name viewerCan { administer appointAdmin } ancestors { id name viewerCan { administer appointAdmin } } }
  adminUnits { id name viewerCan { administer appointAdmin } }
  viewerCan { review updateProfile updateIdentity manageStatus manageRoles } directoryManaged directoryFields }`);

export type ProfileUser = ResultOf<typeof ProfileFields>;

/** 四川省政务服务中心 › 巴中市政务服务中心, each a link into the directory. */
export function unitTrail(unit: ProfileUser['unit']): HTMLElement {
  const all = [...unit.ancestors, unit];
  return h(
    'span',
    { class: 'trail', 'data-testid': 'unit-trail' },
    all.map((u, i) => [
      i ? h('span', { class: 'sep', 'aria-hidden': 'true' }, '›') : null,
      h('a', { href: `#/directory/${encodeURIComponent(u.id)}` }, u.name),
    ]),
  );
}

export function profileHeader(user: ProfileUser, ...extra: Child[]): HTMLElement {
  const initial = [...user.realName][0] ?? '?';
  return h(
    'div',
    { class: 'profile-head' },
    h('div', { class: 'avatar', 'aria-hidden': 'true' }, initial),
    h(
      'div',
      { class: 'profile-id' },
      h(
        'h1',
        { tabindex: '-1', class: 'page-title' },
        h('span', { 'data-testid': 'profile-name' }, user.realName),
        user.status && user.status !== 'ACTIVE' ? statusBadge(user.status) : null,
        user.isSystemAdmin ? h('span', { class: 'badge badge-admin' }, '系统管理员') : null,
        user.adminUnits.length ? h('span', { class: 'badge badge-admin' }, '单位管理员') : null,
      ),
      h('p', { class: 'profile-sub' }, h('span', { 'data-testid': 'profile-title' }, user.title), h('span', { class: 'dot', 'aria-hidden': 'true' }, '·'), user.unit.name),
      ...extra,
    ),
  );
}

export function profileFacts(user: ProfileUser): HTMLElement {
  const rows: Array<[string, Child, boolean?]> = [
    ['所属单位', unitTrail(user.unit), true],
    ['职务', user.title],
    ['联系电话', h('span', { 'data-testid': 'profile-phone' }, user.phone ?? '未填写')],
    ['登录名', user.loginName],
    [
      '管理的单位',
      user.adminUnits.length
        ? h('ul', { class: 'plain-list' }, user.adminUnits.map((u) => h('li', null, h('a', { href: `#/directory/${encodeURIComponent(u.id)}` }, u.name))))
        : user.isSystemAdmin
          ? '全部单位（系统管理员）'
          : '无',
    ],
    ['注册时间', formatDate(user.createdAt)],
  ];
  if (user.status) rows.push(['账号状态', h('span', null, statusBadge(user.status), user.statusReason ? h('span', { class: 'muted' }, ` ${user.statusReason}`) : null)]);
  if (user.applicationNote) rows.push(['申请说明', h('span', { class: 'pre', 'data-testid': 'profile-note' }, user.applicationNote), true]);
  if (user.reviewedAt) {
    rows.push([
      '审核时间',
      [formatDateTime(user.reviewedAt), user.reviewedBy ? [' 由 ', h('a', { href: `#/users/${encodeURIComponent(user.reviewedBy.id)}` }, user.reviewedBy.realName), ' 审核'] : null],
    ]);
  }
  return facts(rows);
}
