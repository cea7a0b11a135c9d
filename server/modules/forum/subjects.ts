import type { Board, DiscussionGroup, Thread, ThreadReply } from '../../db/entities/index.js';
import type { GroupAccess } from '../groups/subjects.js';

/** A board as one actor sees it, with their access to its group. */
export class BoardAccess {
  constructor(
    readonly board: Board,
    readonly group: GroupAccess,
  ) {}
}

/** A thread with its board and the actor's access to the group. */
export class ThreadAccess {
  constructor(
    readonly thread: Thread,
    readonly board: Board,
    readonly group: GroupAccess,
  ) {}
}

/** A reply with the actor's access to its thread. */
export class ReplyAccess {
  constructor(
    readonly reply: ThreadReply,
    readonly thread: ThreadAccess,
  ) {}
}

/** A discussion group with the actor's access to its group and whether they are in it. */
export class DiscussionAccess {
  constructor(
    readonly discussion: DiscussionGroup,
    readonly group: GroupAccess,
    readonly isMember: boolean,
  ) {}
}

export const MAX_BOARD_NAME = 20;
export const MAX_TOPIC = 30;
export const DEFAULT_BOARDS = ['经验交流', '政策法规', '资料共享'];
