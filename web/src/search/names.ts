/**
 * The people and groups a search finds, above the content results: officials as the directory
 * lists them (name, unit, title; a link to the profile) and groups as the group list finds them
 * (a link into the group for a member, to 发现群组 for others). The server applies the directory's
 * and the groups' rules; this only shows what came back.
 */
import { h } from '../dom.js';
import type { FoundGroup, FoundPerson } from './query.js';

/** How many of each a search shows before "all" links to the directory or group list. */
export const NAMES_SHOWN = 6;

function personItem(p: FoundPerson): HTMLElement {
  return h(
    'li',
    { class: 'name-hit', 'data-testid': 'person-hit' },
    h(
      'a',
      { href: `#/users/${encodeURIComponent(p.id)}`, 'data-testid': 'person-link' },
      h('span', { class: 'name-hit-name', 'data-testid': 'person-name' }, p.realName),
      h('span', { class: 'muted small', 'data-testid': 'person-unit' }, p.unit.name),
      p.title ? h('span', { class: 'muted small', 'data-testid': 'person-title' }, p.title) : null,
    ),
  );
}

function groupItem(g: FoundGroup): HTMLElement {
  const member = g.viewerRole !== null && g.conversation;
  const href = member && g.conversation ? `#/chat/${encodeURIComponent(g.conversation.id)}` : `#/groups?q=${encodeURIComponent(g.name)}`;
  return h(
    'li',
    { class: 'name-hit', 'data-testid': 'group-hit' },
    h(
      'a',
      { href, 'data-testid': 'group-link' },
      h('span', { class: 'name-hit-name', 'data-testid': 'group-name' }, g.name),
      h('span', { class: 'muted small' }, `${g.memberCount} 人 · ${member ? '已加入' : g.visibility === 'LISTED' ? '公开，可申请加入' : '邀请制'}`),
    ),
  );
}

/** The 联系人 and 群组 sections (each hidden when nothing matched). */
export function nameSections(q: string, people: FoundPerson[], peopleTotal: number, groups: FoundGroup[], moreGroups: boolean): HTMLElement[] {
  const sections: HTMLElement[] = [];
  if (people.length) {
    sections.push(
      h(
        'section',
        { class: 'card name-hits', 'aria-labelledby': 'search-people-heading', 'data-testid': 'search-people' },
        h('h2', { id: 'search-people-heading' }, '联系人', h('span', { class: 'muted small' }, ` ${peopleTotal} 人`)),
        h('ul', { class: 'name-hit-list' }, people.slice(0, NAMES_SHOWN).map(personItem)),
        peopleTotal > NAMES_SHOWN ? h('p', { class: 'small' }, h('a', { href: `#/directory?q=${encodeURIComponent(q)}`, 'data-testid': 'search-people-all' }, `在通讯录中查看全部 ${peopleTotal} 人`)) : null,
      ),
    );
  }
  if (groups.length) {
    sections.push(
      h(
        'section',
        { class: 'card name-hits', 'aria-labelledby': 'search-groups-heading', 'data-testid': 'search-groups' },
        h('h2', { id: 'search-groups-heading' }, '群组'),
        h('ul', { class: 'name-hit-list' }, groups.slice(0, NAMES_SHOWN).map(groupItem)),
        moreGroups || groups.length > NAMES_SHOWN ? h('p', { class: 'small' }, h('a', { href: `#/groups?q=${encodeURIComponent(q)}`, 'data-testid': 'search-groups-all' }, '在发现群组中查看更多')) : null,
      ),
    );
  }
  return sections;
}
