import { search, type SearchArgs } from '../../modules/search/search.js';
import type { GraphQLContext } from '../context.js';
import { searchConnection } from '../presenters/search.js';

type Ctx = GraphQLContext;

export const searchQueries = {
  search: async (_: unknown, args: SearchArgs, { domain }: Ctx) => searchConnection(domain.em, await search(domain, args)),
};
