import { EntitySchema } from '@mikro-orm/core';

/**
 * A table whose search vectors are out of date and are being rebuilt in the background
 * (modules/search/reindex.ts): written by a migration that changes how vectors are made, deleted
 * when the rebuild is done. Until then the old vectors stay and keep search working. `afterId`
 * is how far the rebuild got (rows are rebuilt in id order), so a restart goes on from there.
 */
export class SearchRebuild {
  source!: string;
  afterId = '00000000-0000-0000-0000-000000000000';
}

export const SearchRebuildSchema = new EntitySchema<SearchRebuild>({
  class: SearchRebuild,
  tableName: 'search_rebuild',
  properties: {
    source: { type: 'string', length: 40, primary: true },
    afterId: { type: 'uuid', default: '00000000-0000-0000-0000-000000000000' },
  },
});
