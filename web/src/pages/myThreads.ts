/**
 * #/my/threads (我的帖子): the threads the viewer follows (their own included), those with new
 * replies first, each with its new-reply count.
 */
import { gql } from '../api.js';
import { h } from '../dom.js';
import { ThreadList, THREAD_PAGE } from '../forum/threadList.js';
import { emptyState, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql } from '../graphql/index.js';
import { ThreadSummaryFields } from '../graphql/fragments.js';

const MY_THREADS = graphql(`query MyThreads($first: Int, $after: String) { myThreads(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor } edges { cursor node { ...ThreadSummaryFields } } } }`, [ThreadSummaryFields]);

export function myThreadsPage(ctx: PageContext): Page {
  const list = new ThreadList(
    async (after) => (await gql(MY_THREADS, { first: THREAD_PAGE, after }, ctx.signal)).myThreads,
    { showGroup: true, showNew: true },
    () => emptyState('您还没有发表或关注帖子', h('p', { class: 'muted' }, '在群聊页面点击“论坛”进入群论坛；打开帖子后点击“关注”即可在这里看到它的新回复。')),
  );
  const el = h(
    'section',
    { class: 'my-threads-page', 'data-testid': 'my-threads-page' },
    pageTitle('我的帖子', h('p', { class: 'muted' }, '我发表和关注的帖子，有新回复的排在前面')),
    h('section', { class: 'card' }, list.el),
  );
  void list.load(true);
  return {
    title: '我的帖子',
    el,
    update() {
      void list.load(true);
    },
  };
}
