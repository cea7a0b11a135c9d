import type { Page } from '../../modules/pagination.js';

/**
 * A domain page as a GraphQL connection. totalCount stays a function when the domain gives one:
 * graphql-js calls it only if the query selects the field.
 */
export function connection<T>(page: Page<T>) {
  const { totalCount } = page;
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: typeof totalCount === 'function' ? () => totalCount() : (totalCount ?? page.nodes.length),
  };
}
