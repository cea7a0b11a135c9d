import type { Page } from '../../modules/pagination.js';

/** A domain page as a GraphQL connection. */
export function connection<T>(page: Page<T>) {
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: page.totalCount ?? page.nodes.length,
  };
}
