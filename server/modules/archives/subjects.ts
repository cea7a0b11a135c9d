import type { ArchiveKind, ArchiveStatus, GroupRole } from '../../db/entities/index.js';

/** One export as the policies and presenters see it: a plain row read by the store. */
export class ArchiveExportView {
  constructor(
    readonly id: string,
    readonly requesterId: string,
    readonly kind: ArchiveKind,
    readonly groupId: string | null,
    readonly groupName: string | null,
    readonly rangeFrom: Date | null,
    readonly rangeTo: Date | null,
    readonly status: ArchiveStatus,
    readonly progress: number,
    readonly storageKey: string | null,
    readonly size: number | null,
    readonly error: string | null,
    readonly createdAt: Date,
    readonly finishedAt: Date | null,
    readonly expiresAt: Date,
    /** The requester's role in the group now (null when no longer a member): a group export is downloaded only while they may still export the group. */
    readonly requesterRole: GroupRole | null = null,
  ) {}

  /** Done, its ZIP still kept, and not past its expiry. */
  get downloadable(): boolean {
    return this.status === 'done' && !!this.storageKey && this.expiresAt.getTime() > Date.now();
  }

  get expired(): boolean {
    return this.expiresAt.getTime() <= Date.now();
  }
}

/** How long a finished archive is kept, and how many may be in the making per person. */
export const ARCHIVE_KEEP_DAYS = 7;
export const ARCHIVE_MAX_PENDING_PER_PERSON = 2;
/** The longest date range of one group export. */
export const ARCHIVE_MAX_RANGE_DAYS = 366;
/** Seconds a download link lives. */
export const ARCHIVE_LINK_SECONDS = 60;
