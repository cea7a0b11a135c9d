import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { Board } from '../../db/entities/index.js';
import { badInput, conflict } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { boardForActor, forumForActor } from './access.js';
import { DEFAULT_BOARDS, MAX_BOARD_NAME } from './subjects.js';
import { boardNamed, insertBoards, lockGroupForBoards, nextBoardPosition } from './store/boards.js';

/** A new group's boards: 经验交流, 政策法规, 资料共享 (in the creating transaction). */
export async function createDefaultBoards(em: EntityManager, groupId: string): Promise<void> {
  await insertBoards(em, groupId, DEFAULT_BOARDS);
}

/** Active boards in order; archived ones after them when asked (admins manage them). */
export async function listBoards(em: EntityManager, group: GroupAccess, includeArchived: boolean): Promise<Board[]> {
  return em.find(Board, { group: group.group.id, ...(includeArchived ? {} : { archivedAt: null }) }, { orderBy: { archivedAt: 'asc nulls first', position: 'asc', createdAt: 'asc' } });
}

function boardName(raw: unknown): string {
  const name = valid.requiredText(raw, 'name', '版块名称', MAX_BOARD_NAME);
  if (/[\r\n]/.test(name)) throw badInput('版块名称不能换行', 'name');
  return name;
}

async function assertNameFree(em: EntityManager, groupId: string, name: string, exceptId?: string) {
  if (await boardNamed(em, groupId, name, exceptId ?? null)) throw conflict('本群已有同名版块', 'name');
}

export async function createBoard(ctx: DomainContext, groupId: unknown, rawName: unknown): Promise<Board> {
  const actor = requireActor(ctx);
  const group = await forumForActor(ctx.em, actor, groupId);
  authorize(actor, 'manageBoards', group, '只有群主和管理员可以管理版块');
  const name = boardName(rawName);
  return ctx.em.transactional(async (em) => {
    await lockGroupForBoards(em, group.group.id);
    await assertNameFree(em, group.group.id, name);
    const position = await nextBoardPosition(em, group.group.id, false);
    const board = em.create(Board, { group: group.group.id, name, position, archivedAt: null, createdAt: new Date() } as never);
    audit(em, { actorId: actor.userId, action: 'forum.board_created', targetType: 'group', targetId: group.group.id, after: { boardId: board.id, name }, ip: ctx.ip });
    await em.flush();
    return board;
  });
}

export async function renameBoard(ctx: DomainContext, boardId: unknown, rawName: unknown): Promise<Board> {
  const actor = requireActor(ctx);
  const access = await boardForActor(ctx.em, actor, boardId);
  authorize(actor, 'manageBoards', access.group, '只有群主和管理员可以管理版块');
  const name = boardName(rawName);
  if (name === access.board.name) return access.board;
  return ctx.em.transactional(async (em) => {
    await lockGroupForBoards(em, access.group.group.id);
    await assertNameFree(em, access.group.group.id, name, access.board.id);
    const board = await em.findOneOrFail(Board, { id: access.board.id });
    audit(em, { actorId: actor.userId, action: 'forum.board_renamed', targetType: 'group', targetId: access.group.group.id, before: { boardId: board.id, name: board.name }, after: { name }, ip: ctx.ip });
    board.name = name;
    await em.flush();
    return board;
  });
}

/** The client sends every active board id in the new order; anything else is refused. */
export async function reorderBoards(ctx: DomainContext, groupId: unknown, boardIds: unknown[]): Promise<Board[]> {
  const actor = requireActor(ctx);
  const group = await forumForActor(ctx.em, actor, groupId);
  authorize(actor, 'manageBoards', group, '只有群主和管理员可以管理版块');
  const ids = (boardIds ?? []).map(String);
  return ctx.em.transactional(async (em) => {
    await lockGroupForBoards(em, group.group.id);
    const active = await em.find(Board, { group: group.group.id, archivedAt: null });
    const known = new Set(active.map((b) => b.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id))) {
      throw badInput('请按新顺序列出本群全部未归档的版块', 'boardIds');
    }
    const byId = new Map(active.map((b) => [b.id, b]));
    ids.forEach((id, i) => (byId.get(id)!.position = i + 1));
    audit(em, { actorId: actor.userId, action: 'forum.boards_reordered', targetType: 'group', targetId: group.group.id, after: { boardIds: ids }, ip: ctx.ip });
    await em.flush();
    return ids.map((id) => byId.get(id)!);
  });
}

export async function setBoardArchived(ctx: DomainContext, boardId: unknown, archived: boolean): Promise<Board> {
  const actor = requireActor(ctx);
  const access = await boardForActor(ctx.em, actor, boardId);
  authorize(actor, 'manageBoards', access.group, '只有群主和管理员可以管理版块');
  if (!!access.board.archivedAt === archived) throw conflict(archived ? '该版块已归档' : '该版块未归档');
  return ctx.em.transactional(async (em) => {
    const board = await em.findOneOrFail(Board, { id: access.board.id });
    if (!archived) {
      board.position = await nextBoardPosition(em, board.group.id, true);
    }
    board.archivedAt = archived ? new Date() : null;
    audit(em, { actorId: actor.userId, action: archived ? 'forum.board_archived' : 'forum.board_restored', targetType: 'group', targetId: board.group.id, after: { boardId: board.id, name: board.name }, ip: ctx.ip });
    await em.flush();
    return board;
  });
}
