import { DocumentRequest } from '../db/entities/index.js';
import { DocumentAccess, FolderAccess, LibraryAccess } from '../modules/documents/subjects.js';
import type { MaybeActor } from './actor.js';
import { allow } from './engine.js';
import { managesGroupAsMember } from './groups.js';

const isMember = (l: LibraryAccess) => (l.group ? l.group.role !== null : l.conversation !== null);
/** A private conversation's files have no manager: each person manages their own uploads. */
const isManager = (actor: MaybeActor, l: LibraryAccess) => !!l.group && managesGroupAsMember(actor, l.group);

/** Group libraries are for members; a private conversation's files for its two people. */
allow(LibraryAccess, 'read', (actor, l) => !!actor && isMember(l));
allow(LibraryAccess, 'upload', (actor, l) => !!actor && isMember(l));
allow(LibraryAccess, 'manageFolders', (actor, l) => !!actor && !!l.group && isMember(l));

/** What Document.viewerCan sends. */
export const DOCUMENT_ABILITIES = ['addVersion', 'delete', 'move'] as const;

allow(DocumentAccess, 'download', (actor, d) => !!actor && isMember(d.library) && !d.document.deletedAt);
allow(DocumentAccess, 'addVersion', (actor, d) => !!actor && isMember(d.library) && !d.document.deletedAt && (d.document.uploader.id === actor.userId || isManager(actor, d.library)));
allow(DocumentAccess, 'delete', (actor, d) => !!actor && isMember(d.library) && !d.document.deletedAt && (d.document.uploader.id === actor.userId || isManager(actor, d.library)));
allow(DocumentAccess, 'move', (actor, d) => !!actor && isMember(d.library) && !!d.library.group && !d.document.deletedAt && (d.document.uploader.id === actor.userId || isManager(actor, d.library)));

/** What DocumentFolder.viewerCan sends. */
export const FOLDER_ABILITIES = ['rename', 'delete'] as const;

/** A folder is renamed or deleted by whoever made it, or by the group's owner and admins. */
const mayManageFolder = (actor: MaybeActor, f: FolderAccess) => !!actor && isMember(f.library) && !!f.library.group && (f.folder.createdBy.id === actor.userId || isManager(actor, f.library));
allow(FolderAccess, 'rename', mayManageFolder);
allow(FolderAccess, 'delete', mayManageFolder);

/** Only the requester ends a request (fulfilled or closed); whether it is still open is the service's check (CONFLICT). */
allow(DocumentRequest, 'close', (actor, r) => !!actor && r.requester.id === actor.userId);
