import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../server/db/entities/index.js';
import { EDIT_WINDOW_MS, MessageAccess, RECALL_WINDOW_MS, type MessageFacts } from '../../../server/modules/chat/subjects.js';
import { ConversationAccess } from '../../../server/modules/groups/subjects.js';
import { can } from '../../../server/policies/index.js';
import { actorFor, expectGrid, fakeGroup, groupAccessFor, inAnHour, VIEWER_ID } from './table.js';

/** server/policies/chat.ts, role by action, in milliseconds. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
describe('a listed group', () => {
  expectGrid(
    {
      read: '.YYYYYY',
      readMembers: '...YYYY',
      post: '...YYYY',
      update: '..Y.YYY',
      manageMembers: '..Y.YYY',
      manageAdmins: '..Y..YY',
      mentionAll: '....YY.',
      transferOwnership: '.....Y.',
      apply: '.YY....',
      leave: '...YY.Y',
    },
    (s) => groupAccessFor(s),
  );
});

describe('an invite-only group', () => {
  expectGrid({ read: '...YYYY', apply: '.......' }, (s) => groupAccessFor(s, { group: { visibility: 'invite_only' } }));
  expectGrid({ 'read (invited)': '.YYYYYY' }, (s) => groupAccessFor(s, { group: { visibility: 'invite_only' }, invited: true }), () => 'read');
});

describe('a banned outsider', () => {
  expectGrid({ apply: '.......' }, (s) => groupAccessFor(s, { banned: true }));
});

describe('muted', () => {
  expectGrid({ 'post (own 禁言)': '.......' }, (s) => groupAccessFor(s, { mutedUntil: inAnHour() }), () => 'post');
  expectGrid({ 'post (全员禁言: owner and admins keep speaking)': '....YY.' }, (s) => groupAccessFor(s, { group: { mutedAllUntil: inAnHour() } }), () => 'post');
  expectGrid({ 'post (an ended 禁言)': '...YYYY' }, (s) => groupAccessFor(s, { mutedUntil: new Date(Date.now() - 1000) }), () => 'post');
});

describe('messages', () => {
  interface Case {
    mine?: boolean;
    ageMs?: number;
    recalled?: boolean;
    removed?: boolean;
    muted?: boolean;
    archivedDiscussion?: boolean;
    expected: string;
  }
  // expected: edit recall react
  const CASES: Record<string, Case> = {
    'mine, just sent': { mine: true, expected: 'Y Y Y' },
    'another’s': { expected: '. . Y' },
    'mine, past the recall window': { mine: true, ageMs: RECALL_WINDOW_MS + 1000, expected: 'Y . Y' },
    'mine, past the edit window': { mine: true, ageMs: EDIT_WINDOW_MS + 1000, expected: '. . Y' },
    'mine, recalled': { mine: true, recalled: true, expected: '. . .' },
    'mine, removed': { mine: true, removed: true, expected: '. Y .' },
    'mine, while muted': { mine: true, muted: true, expected: 'Y Y .' },
    'another’s, while muted': { muted: true, expected: '. . .' },
    'mine, in an archived discussion': { mine: true, archivedDiscussion: true, expected: '. . .' },
  };
  it.each(Object.entries(CASES))('%s', (_name, c) => {
    const actor = actorFor('member');
    const group = fakeGroup();
    const conversation = new ConversationAccess({ id: 'conversation' } as Conversation, group, 'member', null, c.archivedDiscussion ? { id: 'discussion', archived: true } : null, c.muted ? inAnHour() : null);
    const message: MessageFacts = {
      author: { id: c.mine ? VIEWER_ID : 'someone' },
      createdAt: new Date(Date.now() - (c.ageMs ?? 0)),
      recalledAt: c.recalled ? new Date() : null,
      confidentiality: 'normal',
      removedAt: c.removed ? new Date() : null,
    };
    const subject = new MessageAccess(message, conversation);
    const answers = (['edit', 'recall', 'react'] as const).map((a) => (can(actor, a, subject) ? 'Y' : '.')).join(' ');
    expect(answers).toBe(c.expected);
    expect(can(null, 'react', subject)).toBe(false);
  });

  it('posting in a group conversation follows membership, archiving and mutes', () => {
    const access = (role: 'member' | null, extra: { archived?: boolean; muted?: boolean } = {}) =>
      new ConversationAccess({ id: 'c' } as Conversation, fakeGroup(), role, null, extra.archived ? { id: 'd', archived: true } : null, extra.muted ? inAnHour() : null);
    const actor = actorFor('member');
    expect(can(actor, 'postInGroup', access('member'))).toBe(true);
    expect(can(actor, 'postInGroup', access(null))).toBe(false);
    expect(can(actor, 'postInGroup', access('member', { archived: true }))).toBe(false);
    expect(can(actor, 'postInGroup', access('member', { muted: true }))).toBe(false);
    expect(can(null, 'postInGroup', access('member'))).toBe(false);
  });
});
