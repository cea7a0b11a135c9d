import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { hydrate, plainView } from '../../db/sql.js';
import { selectsColumnsOnly } from '../columnReaders.js';
import { ChatGroup, Document, Thread } from '../../db/entities/index.js';
import { snippet } from '../../modules/content/segment.js';
import { markdownText } from '../../modules/forum/markdown.js';
import { INTERNAL_PREVIEW, RESTRICTED_PREVIEW } from '../../modules/content/levels.js';
import type { SearchHit, SearchPage } from '../../modules/search/search.js';
import type { GraphQLContext } from '../context.js';
import { connection } from './connection.js';

type Ctx = GraphQLContext;
type Batch = Array<{ obj: SearchHit & { words: string[] } }>;

type Hit = SearchHit & { words: string[]; related: RelatedOfPage };

/**
 * The page's groups and threads, made from the columns the search statement read (no further
 * query), once per page and only when a query selects them: plain objects of their columns when
 * the query reads only columns, entities otherwise.
 */
class RelatedOfPage {
  private readonly made = new Map<string, unknown>();
  constructor(private readonly em: EntityManager) {}

  of<T extends object>(entity: typeof ChatGroup | typeof Thread, id: string | null, row: Record<string, unknown> | null, info: GraphQLResolveInfo): T | null {
    if (!id || !row) return null;
    const plain = selectsColumnsOnly(info);
    const key = `${entity.name}:${id}:${plain}`;
    let made = this.made.get(key);
    if (!made) {
      made = plain ? plainView(this.em, entity, row) : hydrate(this.em, entity, row);
      this.made.set(key, made);
    }
    return made as T;
  }
}

/**
 * Each hit carries the query's words so that its snippet can mark them. The rows and the page's
 * mapper are not enumerable: mercurius keys its loader caches by the serialised parent.
 */
export const searchConnection = (em: EntityManager, page: SearchPage) => {
  const related = new RelatedOfPage(em);
  const nodes = page.nodes.map(({ group, thread, author, ...hit }) =>
    Object.defineProperties({ ...hit, words: page.words }, { group: { value: group }, thread: { value: thread }, author: { value: author }, related: { value: related } }) as unknown as Hit,
  );
  return { ...connection({ ...page, nodes }), words: page.words };
};

/**
 * A search result is a preview outside its conversation: internal (内部) content shows no text
 * there (the hit still leads to it), and restricted content reached this viewer only because
 * they are one of its readers, so it is masked the same way.
 */
const masked = (h: SearchHit) => (h.confidentiality === 'normal' ? null : [{ text: h.confidentiality === 'internal' ? INTERNAL_PREVIEW : RESTRICTED_PREVIEW, match: false }]);

/** Threads and replies are Markdown: their snippets are cut from the text a reader sees, not the markup. */
const plainBody = (h: SearchHit) => (h.type === 'THREAD' || h.type === 'REPLY' ? markdownText(h.body) : h.body);

export const searchResultResolvers = {
  author: (h: Hit) => h.author,
  group: (h: Hit, _: unknown, _ctx: Ctx, info: GraphQLResolveInfo) => h.related.of<ChatGroup>(ChatGroup, h.groupId, h.group, info),
  thread: (h: Hit, _: unknown, _ctx: Ctx, info: GraphQLResolveInfo) => h.related.of<Thread>(Thread, h.threadId, h.thread, info),
  title: (h: SearchHit & { words: string[] }) => (h.title === null ? null : snippet(h.title, h.words, 100)),
  snippet: (h: SearchHit & { words: string[] }) => masked(h) ?? snippet(plainBody(h), h.words),
  confidentiality: (h: SearchHit) => h.confidentiality.toUpperCase(),
};

export const searchResultLoaders = {
  document: async (queries: Batch, ctx: Ctx) => {
    const ids = queries.filter((q) => q.obj.type === 'DOCUMENT').map((q) => q.obj.id);
    const found = ids.length ? await ctx.domain.em.find(Document, { id: ids }) : [];
    const byId = new Map(found.map((d) => [d.id, d]));
    return queries.map((q) => (q.obj.type === 'DOCUMENT' ? byId.get(q.obj.id) ?? null : null));
  },
};
