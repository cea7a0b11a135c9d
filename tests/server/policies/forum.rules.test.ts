import { describe } from 'vitest';
import type { Board, DiscussionGroup, Thread, ThreadReply } from '../../../server/db/entities/index.js';
import { BoardAccess, DiscussionAccess, ReplyAccess, ThreadAccess } from '../../../server/modules/forum/subjects.js';
import { expectGrid, groupAccessFor, inAnHour, VIEWER_ID, type GroupState, type Standing } from './table.js';

/** server/policies/forum.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
const board = (archived = false) => ({ archivedAt: archived ? new Date() : null }) as Board;
const thread = (fields: { mine?: boolean; locked?: boolean; removed?: boolean } = {}) =>
  ({ author: { id: fields.mine ? VIEWER_ID : 'someone' }, lockedAt: fields.locked ? new Date() : null, removedAt: fields.removed ? new Date() : null }) as unknown as Thread;
const threadAccess = (s: Standing, fields: Parameters<typeof thread>[0] = {}, state: GroupState = {}, archived = false) =>
  new ThreadAccess(thread(fields), board(archived), groupAccessFor(s, state));
const reply = (fields: { mine?: boolean; deleted?: boolean; removed?: boolean } = {}) =>
  ({ author: { id: fields.mine ? VIEWER_ID : 'someone' }, deletedAt: fields.deleted ? new Date() : null, removedAt: fields.removed ? new Date() : null }) as unknown as ThreadReply;
const discussion = (mine = false, archived = false) => ({ creator: { id: mine ? VIEWER_ID : 'someone' }, archivedAt: archived ? new Date() : null }) as unknown as DiscussionGroup;

describe('the group’s BBS', () => {
  expectGrid({ readForum: '...YYYY', manageBoards: '....YYY', listRemovedThreads: '....YY.', createDiscussion: '...YYYY' }, (s) => groupAccessFor(s));
});

describe('boards', () => {
  expectGrid({ post: '...YYYY' }, (s) => new BoardAccess(board(), groupAccessFor(s)));
  expectGrid({ 'post (archived board)': '.......' }, (s) => new BoardAccess(board(true), groupAccessFor(s)), () => 'post');
  expectGrid({ 'post (全员禁言)': '....YY.' }, (s) => new BoardAccess(board(), groupAccessFor(s, { group: { mutedAllUntil: inAnHour() } })), () => 'post');
});

describe('threads', () => {
  expectGrid({ reply: '...YYYY', edit: '.......', moderate: '....YYY' }, (s) => threadAccess(s));
  expectGrid({ 'edit (own)': '...YYYY' }, (s) => threadAccess(s, { mine: true }), () => 'edit');
  expectGrid({ 'edit (own, locked)': '.......' }, (s) => threadAccess(s, { mine: true, locked: true }), () => 'edit');
  expectGrid({ 'edit (own, removed)': '.......' }, (s) => threadAccess(s, { mine: true, removed: true }), () => 'edit');
  expectGrid({ 'reply (locked)': '.......' }, (s) => threadAccess(s, { locked: true }), () => 'reply');
  expectGrid({ 'reply (removed)': '.......' }, (s) => threadAccess(s, { removed: true }), () => 'reply');
  expectGrid({ 'reply (archived board)': '.......' }, (s) => threadAccess(s, {}, {}, true), () => 'reply');
  expectGrid({ 'reply (own 禁言)': '.......' }, (s) => threadAccess(s, {}, { mutedUntil: inAnHour() }), () => 'reply');
  expectGrid({ 'moderate (locked)': '....YYY' }, (s) => threadAccess(s, { locked: true }), () => 'moderate');
});

describe('replies', () => {
  expectGrid({ edit: '.......', delete: '.......' }, (s) => new ReplyAccess(reply(), threadAccess(s)));
  expectGrid({ 'edit (own)': '...YYYY', 'delete (own)': '...YYYY' }, (s) => new ReplyAccess(reply({ mine: true }), threadAccess(s)), (row) => row.split(' ')[0]);
  expectGrid({ 'edit (own, thread locked)': '.......', 'delete (own, thread locked)': '...YYYY' }, (s) => new ReplyAccess(reply({ mine: true }), threadAccess(s, { locked: true })), (row) => row.split(' ')[0]);
  expectGrid({ 'edit (own, removed)': '.......', 'delete (own, removed)': '...YYYY' }, (s) => new ReplyAccess(reply({ mine: true, removed: true }), threadAccess(s)), (row) => row.split(' ')[0]);
  expectGrid({ 'edit (own, deleted)': '.......', 'delete (own, deleted)': '.......' }, (s) => new ReplyAccess(reply({ mine: true, deleted: true }), threadAccess(s)), (row) => row.split(' ')[0]);
});

describe('discussion groups', () => {
  const inIt = (s: Standing, d = discussion()) => new DiscussionAccess(d, groupAccessFor(s), true);
  const outside = (s: Standing) => new DiscussionAccess(discussion(), groupAccessFor(s), false);
  expectGrid({ read: '...YYYY', invite: '...YYYY', archive: '....YYY', leave: '.YYYYYY' }, (s) => inIt(s));
  expectGrid({ 'archive (its creator)': '.YYYYYY' }, (s) => inIt(s, discussion(true)), () => 'archive');
  expectGrid({ 'invite (archived)': '.......' }, (s) => inIt(s, discussion(false, true)), () => 'invite');
  expectGrid({ 'read (not in it)': '.......', 'invite (not in it)': '.......', 'archive (not in it)': '.......', 'leave (not in it)': '.......' }, outside, (row) => row.split(' ')[0]);
});
