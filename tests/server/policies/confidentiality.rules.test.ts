import { describe, expect, it } from 'vitest';
import type { Board, ConfidentialityLevel, Conversation, Thread, ThreadReply } from '../../../server/db/entities/index.js';
import { MessageAccess, type MessageFacts } from '../../../server/modules/chat/subjects.js';
import { ReplyAccess, ThreadAccess } from '../../../server/modules/forum/subjects.js';
import { ConversationAccess } from '../../../server/modules/groups/subjects.js';
import { can, ContentReaders } from '../../../server/policies/index.js';
import { actorFor, expectGrid, fakeGroup, groupAccessFor, VIEWER_ID, type Standing } from './table.js';

/** server/policies/confidentiality.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
describe('sensitive rules of a group', () => {
  expectGrid({ readSensitiveRules: '..YYYYY', manageSensitiveRules: '..Y.YYY' }, (s) => groupAccessFor(s));
});

/**
 * Raising a level is decided on the content itself, for viewerCan and the raise mutations alike:
 * the group's owner and admins, while a level is left above and the content is still shown.
 */
describe('raising the level of a message', () => {
  interface Facts { level?: ConfidentialityLevel; recalled?: boolean; removed?: boolean; privateChat?: boolean }
  const message = (s: Standing, f: Facts = {}) => {
    const group = f.privateChat ? null : fakeGroup();
    const facts: MessageFacts = { author: { id: 'someone' }, createdAt: new Date(), recalledAt: f.recalled ? new Date() : null, removedAt: f.removed ? new Date() : null, confidentiality: f.level ?? 'normal' };
    return new MessageAccess(facts, new ConversationAccess({ id: 'conversation' } as Conversation, group, group ? groupAccessFor(s).role : null, null));
  };
  const raise = () => 'raiseConfidentiality';
  expectGrid({ normal: '....YY.' }, (s) => message(s), raise);
  expectGrid({ internal: '....YY.' }, (s) => message(s, { level: 'internal' }), raise);
  expectGrid({ 'restricted (the top)': '.......' }, (s) => message(s, { level: 'restricted' }), raise);
  expectGrid({ recalled: '.......' }, (s) => message(s, { recalled: true }), raise);
  expectGrid({ removed: '.......' }, (s) => message(s, { removed: true }), raise);
  expectGrid({ 'in a private chat': '.......' }, (s) => message(s, { privateChat: true }), raise);
});

describe('raising the level of a thread or reply', () => {
  const thread = (s: Standing, f: { level?: ConfidentialityLevel; removed?: boolean } = {}) =>
    new ThreadAccess({ confidentiality: f.level ?? 'normal', removedAt: f.removed ? new Date() : null } as Thread, { archivedAt: null } as Board, groupAccessFor(s));
  const reply = (s: Standing, f: { level?: ConfidentialityLevel; removed?: boolean; deleted?: boolean; threadRemoved?: boolean } = {}) =>
    new ReplyAccess({ confidentiality: f.level ?? 'normal', removedAt: f.removed ? new Date() : null, deletedAt: f.deleted ? new Date() : null } as ThreadReply, thread(s, { removed: f.threadRemoved }));
  const raise = () => 'raiseConfidentiality';
  expectGrid({ thread: '....YY.' }, (s) => thread(s), raise);
  expectGrid({ 'thread, internal': '....YY.' }, (s) => thread(s, { level: 'internal' }), raise);
  expectGrid({ 'thread, restricted (the top)': '.......' }, (s) => thread(s, { level: 'restricted' }), raise);
  expectGrid({ 'thread, removed': '.......' }, (s) => thread(s, { removed: true }), raise);
  expectGrid({ reply: '....YY.' }, (s) => reply(s), raise);
  expectGrid({ 'reply, internal (its top)': '.......' }, (s) => reply(s, { level: 'internal' }), raise);
  expectGrid({ 'reply, removed': '.......' }, (s) => reply(s, { removed: true }), raise);
  expectGrid({ 'reply, deleted': '.......' }, (s) => reply(s, { deleted: true }), raise);
  expectGrid({ 'reply, its thread removed': '.......' }, (s) => reply(s, { threadRemoved: true }), raise);
});

describe('reading confidential content', () => {
  it.each([
    ['normal', new ContentReaders('normal', null), true],
    ['internal', new ContentReaders('internal', null), true],
    ['restricted, the viewer among its readers', new ContentReaders('restricted', new Set([VIEWER_ID])), true],
    ['restricted, the viewer not among them', new ContentReaders('restricted', new Set(['someone'])), false],
  ] as const)('%s', (_name, content, expected) => {
    expect(can(actorFor('member'), 'read', content)).toBe(expected);
    // A system admin reads restricted content only as one of its readers.
    expect(can(actorFor('systemAdmin'), 'read', content)).toBe(expected);
    expect(can(null, 'read', content)).toBe(false);
  });
});
