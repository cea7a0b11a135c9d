/** The presenters' entry to forum's store (server/graphql/presenters/forum.ts imports from here). */
export { audienceRows } from './store/threads.js';
