import { requireActor } from '../../modules/context.js';
import { listNotifications, markNotificationsRead, unreadNotificationCount } from '../../modules/notifications/notifications.js';
import type { PageArgs } from '../../modules/pagination.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';

type Ctx = GraphQLContext;

export const notificationQueries = {
  notifications: async (_: unknown, args: PageArgs & { unreadOnly?: boolean }, { domain }: Ctx) => ({
    ...connection(await listNotifications(domain, args)),
    unreadCount: () => unreadNotificationCount(domain.em, requireActor(domain).userId),
  }),
};

export const notificationMutations = {
  markNotificationsRead: (_: unknown, args: { ids?: string[] | null }, { domain }: Ctx) => markNotificationsRead(domain, args.ids),
};
