import { Thread } from '../../db/entities/index.js';
import { snippet } from '../../modules/search/segment.js';
import type { SearchHit, SearchPage } from '../../modules/search/search.js';
import type { GraphQLContext } from '../context.js';
import { groupsById, usersById } from './chat.js';
import { connection } from './connection.js';

type Ctx = GraphQLContext;
type Batch = Array<{ obj: SearchHit & { words: string[] } }>;

/** Each hit carries the query's words so that its snippet can mark them. */
export const searchConnection = (page: SearchPage) => ({
  ...connection({ ...page, nodes: page.nodes.map((hit) => ({ ...hit, words: page.words })) }),
  words: page.words,
});

export const searchResultResolvers = {
  title: (h: SearchHit & { words: string[] }) => (h.title === null ? null : snippet(h.title, h.words, 100)),
  snippet: (h: SearchHit & { words: string[] }) => snippet(h.body, h.words),
};

export const searchResultLoaders = {
  author: async (queries: Batch, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.authorId));
    return queries.map((q) => byId.get(q.obj.authorId));
  },
  group: async (queries: Batch, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.groupId).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.groupId ? byId.get(q.obj.groupId) ?? null : null));
  },
  thread: async (queries: Batch, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.threadId).filter((id): id is string => !!id))];
    const found = ids.length ? await ctx.domain.em.find(Thread, { id: ids }) : [];
    const byId = new Map(found.map((t) => [t.id, t]));
    return queries.map((q) => (q.obj.threadId ? byId.get(q.obj.threadId) ?? null : null));
  },
};
