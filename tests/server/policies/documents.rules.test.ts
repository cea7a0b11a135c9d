import { describe } from 'vitest';
import type { Conversation, Document, DocumentFolder } from '../../../server/db/entities/index.js';
import { ConversationAccess } from '../../../server/modules/groups/subjects.js';
import { DocumentAccess, FolderAccess, LibraryAccess } from '../../../server/modules/documents/subjects.js';
import { expectGrid, groupAccessFor, VIEWER_ID, type Standing } from './table.js';

/** server/policies/documents.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
const groupLibrary = (s: Standing) => new LibraryAccess(groupAccessFor(s), null);
/** A private conversation's files: the access helpers build one only for its two people. */
const privateLibrary = () => new LibraryAccess(null, new ConversationAccess({ id: 'c' } as Conversation, null, null, 'peer'));
const doc = (fields: { mine?: boolean; deleted?: boolean } = {}) => ({ uploader: { id: fields.mine ? VIEWER_ID : 'someone' }, deletedAt: fields.deleted ? new Date() : null }) as unknown as Document;

describe('a group library', () => {
  expectGrid({ read: '...YYYY', upload: '...YYYY', manageFolders: '...YYYY' }, groupLibrary);
  expectGrid({ download: '...YYYY', addVersion: '....YYY', delete: '....YYY', move: '....YYY' }, (s) => new DocumentAccess(doc(), groupLibrary(s)));
  expectGrid({ 'addVersion (own)': '...YYYY', 'delete (own)': '...YYYY', 'move (own)': '...YYYY' }, (s) => new DocumentAccess(doc({ mine: true }), groupLibrary(s)), (row) => row.split(' ')[0]);
  expectGrid({ 'download (deleted)': '.......', 'addVersion (deleted)': '.......', 'delete (deleted)': '.......', 'move (deleted)': '.......' }, (s) => new DocumentAccess(doc({ mine: true, deleted: true }), groupLibrary(s)), (row) => row.split(' ')[0]);
});

describe('a folder of a group library: its creator or the group’s owner and admins rename and delete it', () => {
  const folder = (mine: boolean) => ({ createdBy: { id: mine ? VIEWER_ID : 'someone' } }) as unknown as DocumentFolder;
  expectGrid({ rename: '....YYY', delete: '....YYY' }, (s) => new FolderAccess(folder(false), groupLibrary(s)));
  expectGrid({ 'rename (own)': '...YYYY', 'delete (own)': '...YYYY' }, (s) => new FolderAccess(folder(true), groupLibrary(s)), (row) => row.split(' ')[0]);
});

describe('a private conversation’s files (the standing in no group does not matter)', () => {
  expectGrid({ read: '.YYYYYY', upload: '.YYYYYY', manageFolders: '.......' }, () => privateLibrary());
  expectGrid({ download: '.YYYYYY', addVersion: '.......', delete: '.......', move: '.......' }, () => new DocumentAccess(doc(), privateLibrary()));
  expectGrid({ 'addVersion (own)': '.YYYYYY', 'delete (own)': '.YYYYYY', 'move (own)': '.......' }, () => new DocumentAccess(doc({ mine: true }), privateLibrary()), (row) => row.split(' ')[0]);
});
