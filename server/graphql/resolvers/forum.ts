import { requireActor } from '../../modules/context.js';
import { boardForActor, discussionForActor, threadForActor } from '../../modules/forum/access.js';
import { createBoard, renameBoard, reorderBoards, setBoardArchived } from '../../modules/forum/boards.js';
import { addDiscussionMembers, createDiscussion, leaveDiscussion, setDiscussionArchived } from '../../modules/forum/discussions.js';
import { renderMarkdown } from '../../modules/forum/markdown.js';
import { validPostBody } from '../../modules/content/posts.js';
import { deleteReply, editReply, replyToThread } from '../../modules/forum/replies.js';
import { createThread, editThread, myThreads, setFollowed, setThreadFlag, viewThread, type ThreadInput } from '../../modules/forum/threads.js';
import type { PageArgs } from '../../modules/pagination.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';

type Ctx = GraphQLContext;

export const forumQueries = {
  thread: async (_: unknown, args: { id: string }, { domain }: Ctx) => (await threadForActor(domain.em, requireActor(domain), args.id)).thread,
  board: async (_: unknown, args: { id: string }, { domain }: Ctx) => (await boardForActor(domain.em, requireActor(domain), args.id)).board,
  myThreads: async (_: unknown, args: PageArgs, { domain }: Ctx) => connection(await myThreads(domain, args)),
  discussion: async (_: unknown, args: { id: string }, { domain }: Ctx) => (await discussionForActor(domain.em, requireActor(domain), args.id)).discussion,
  markdownPreview: (_: unknown, args: { body: string }, { domain }: Ctx) => {
    requireActor(domain);
    return renderMarkdown(validPostBody(args.body));
  },
};

export const forumMutations = {
  createBoard: (_: unknown, args: { groupId: string; name: string }, { domain }: Ctx) => createBoard(domain, args.groupId, args.name),
  renameBoard: (_: unknown, args: { boardId: string; name: string }, { domain }: Ctx) => renameBoard(domain, args.boardId, args.name),
  reorderBoards: (_: unknown, args: { groupId: string; boardIds: string[] }, { domain }: Ctx) => reorderBoards(domain, args.groupId, args.boardIds),
  setBoardArchived: (_: unknown, args: { boardId: string; archived: boolean }, { domain }: Ctx) => setBoardArchived(domain, args.boardId, args.archived),
  createThread: (_: unknown, args: { input: ThreadInput }, { domain }: Ctx) => createThread(domain, args.input),
  editThread: (_: unknown, args: { threadId: string; title: string; body: string; acknowledgeSensitive?: boolean }, { domain }: Ctx) =>
    editThread(domain, args.threadId, args.title, args.body, !!args.acknowledgeSensitive),
  setThreadPinned: (_: unknown, args: { threadId: string; pinned: boolean }, { domain }: Ctx) => setThreadFlag(domain, args.threadId, 'pinned', args.pinned),
  setThreadEssence: (_: unknown, args: { threadId: string; essence: boolean }, { domain }: Ctx) => setThreadFlag(domain, args.threadId, 'essence', args.essence),
  setThreadLocked: (_: unknown, args: { threadId: string; locked: boolean }, { domain }: Ctx) => setThreadFlag(domain, args.threadId, 'locked', args.locked),
  viewThread: (_: unknown, args: { threadId: string }, { domain }: Ctx) => viewThread(domain, args.threadId),
  setThreadFollowed: (_: unknown, args: { threadId: string; follow: boolean }, { domain }: Ctx) => setFollowed(domain, args.threadId, args.follow),
  replyToThread: (
    _: unknown,
    args: { threadId: string; body: string; quoteReplyId?: string; mentionUserIds?: string[]; attachmentVersionIds?: string[]; confidentiality?: string; acknowledgeSensitive?: boolean },
    { domain }: Ctx,
  ) =>
    replyToThread(domain, args.threadId, args.body, args.quoteReplyId, args.mentionUserIds, args.attachmentVersionIds, {
      confidentiality: args.confidentiality,
      acknowledgeSensitive: args.acknowledgeSensitive,
    }),
  editReply: (_: unknown, args: { replyId: string; body: string; acknowledgeSensitive?: boolean }, { domain }: Ctx) => editReply(domain, args.replyId, args.body, !!args.acknowledgeSensitive),
  deleteReply: (_: unknown, args: { replyId: string }, { domain }: Ctx) => deleteReply(domain, args.replyId),
  createDiscussion: (_: unknown, args: { groupId: string; topic: string; memberIds: string[] }, { domain }: Ctx) => createDiscussion(domain, args.groupId, args.topic, args.memberIds),
  addDiscussionMembers: (_: unknown, args: { discussionId: string; userIds: string[] }, { domain }: Ctx) => addDiscussionMembers(domain, args.discussionId, args.userIds),
  leaveDiscussion: (_: unknown, args: { discussionId: string }, { domain }: Ctx) => leaveDiscussion(domain, args.discussionId),
  setDiscussionArchived: (_: unknown, args: { discussionId: string; archived: boolean }, { domain }: Ctx) => setDiscussionArchived(domain, args.discussionId, args.archived),
};
