import { Document, Thread } from '../../db/entities/index.js';
import { snippet } from '../../modules/search/segment.js';
import { INTERNAL_PREVIEW, RESTRICTED_PREVIEW } from '../../modules/confidentiality/levels.js';
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

/**
 * A search result is a preview outside its conversation: internal (内部) content shows no text
 * there (the hit still leads to it), and restricted content reached this viewer only because
 * they are one of its readers, so it is masked the same way.
 */
const masked = (h: SearchHit) => (h.confidentiality === 'normal' ? null : [{ text: h.confidentiality === 'internal' ? INTERNAL_PREVIEW : RESTRICTED_PREVIEW, match: false }]);

export const searchResultResolvers = {
  title: (h: SearchHit & { words: string[] }) => (h.title === null ? null : snippet(h.title, h.words, 100)),
  snippet: (h: SearchHit & { words: string[] }) => masked(h) ?? snippet(h.body, h.words),
  confidentiality: (h: SearchHit) => h.confidentiality.toUpperCase(),
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
  document: async (queries: Batch, ctx: Ctx) => {
    const ids = queries.filter((q) => q.obj.type === 'DOCUMENT').map((q) => q.obj.id);
    const found = ids.length ? await ctx.domain.em.find(Document, { id: ids }) : [];
    const byId = new Map(found.map((d) => [d.id, d]));
    return queries.map((q) => (q.obj.type === 'DOCUMENT' ? byId.get(q.obj.id) ?? null : null));
  },
  thread: async (queries: Batch, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.threadId).filter((id): id is string => !!id))];
    const found = ids.length ? await ctx.domain.em.find(Thread, { id: ids }) : [];
    const byId = new Map(found.map((t) => [t.id, t]));
    return queries.map((q) => (q.obj.threadId ? byId.get(q.obj.threadId) ?? null : null));
  },
};
