/**
 * What the chat domain needs from the realtime layer, without knowing it is mercurius:
 * deliver an event to some users, and end the live connections of sessions that ended.
 * server/realtime/ implements it over mercurius's emitter (replaceable by a shared one).
 */
export interface StoredEventRef {
  /** chat_event.id, the catch-up cursor; null for ephemeral events (typing, presence). */
  id: string | null;
  type: ChatEventType;
  conversationId: string | null;
  at: Date;
  messageId?: string | null;
  userId?: string | null;
  readSeq?: number | null;
  online?: boolean | null;
  /** NOTIFICATION: the stored notification (its own table, listed by the notifications query). */
  notificationId?: string | null;
}

export type ChatEventType =
  | 'MESSAGE_ADDED'
  | 'MESSAGE_EDITED'
  | 'MESSAGE_RECALLED'
  | 'MESSAGE_REMOVED'
  | 'MESSAGE_RESTORED'
  | 'REACTION_CHANGED'
  | 'READ_STATE'
  | 'MEMBER_JOINED'
  | 'MEMBER_LEFT'
  | 'MEMBER_REMOVED'
  | 'MEMBER_ROLE_CHANGED'
  | 'GROUP_UPDATED'
  | 'ANNOUNCEMENTS_CHANGED'
  | 'TYPING'
  | 'PRESENCE'
  | 'NOTIFICATION'
  | 'NOTIFICATIONS_CHANGED';

/** What the realtime layer needs to know of a preloaded message; the hub reads it as chat's MessageView. */
export interface PreloadedMessage {
  readonly id: string;
}

/** An event ready to publish: who receives it was decided inside the writing transaction. */
export interface OutgoingEvent {
  event: StoredEventRef;
  recipients: string[];
  /** The message's read model (chat's MessageView), already loaded after commit by the sender's request: the publisher need not load it again. */
  message?: PreloadedMessage;
}

export interface RealtimePublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
  /** Close live connections: every one of the user's, or only those of the given sessions. */
  endSessions(userId: string, sessionIds?: string[], exceptSessionId?: string): Promise<void>;
}

/** Who is connected right now, on any instance (presence). */
export interface PresenceReader {
  onlineAmong(userIds: string[]): Promise<Set<string>>;
}

/** Publishes nothing: for scripts (seeding) that write chat rows without a server. */
export const silentPublisher: RealtimePublisher = {
  publish: async () => {},
  endSessions: async () => {},
};
