import { describe, expect, it } from 'vitest';
import { ArchiveExportView } from '../../../server/modules/archives/subjects.js';
import { seesGroupArchive } from '../../../server/policies/index.js';
import { actorFor, expectGrid, groupAccessFor, STANDINGS, VIEWER_ID, type Standing } from './table.js';

/** server/policies/archives.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
describe('exporting a group archive', () => {
  expectGrid({ exportArchive: '..Y.YYY' }, (s) => groupAccessFor(s));
  it('answers NOT_FOUND rather than FORBIDDEN to those outside the group (system admins see it)', () => {
    expect(STANDINGS.map((s) => (seesGroupArchive(actorFor(s), groupAccessFor(s)) ? 'Y' : '.')).join('')).toBe('..YYYYY');
  });
});

const view = (fields: { mine?: boolean; status?: 'queued' | 'running' | 'done' | 'failed'; expired?: boolean; kind?: 'group' | 'personal'; standing?: Standing }) =>
  new ArchiveExportView('e', fields.mine ? VIEWER_ID : 'someone', fields.kind ?? 'group', 'group', '群', null, null, fields.status ?? 'done', 100, fields.status === 'done' || !fields.status ? 'ab/cd' : null, 10, null, new Date(),
    null, new Date(Date.now() + (fields.expired ? -1 : 1) * 3_600_000), fields.standing ? groupAccessFor(fields.standing).role : 'owner');

describe('an export belongs to its requester alone (system admins included)', () => {
  expectGrid({ read: '.......', download: '.......', delete: '.......' }, () => view({}));
  expectGrid({ 'read (own)': '.YYYYYY', 'download (own)': '.YYYYYY', 'delete (own)': '.YYYYYY' }, () => view({ mine: true }), (row) => row.split(' ')[0]);
  expectGrid({ 'download (own, running)': '.......', 'delete (own, running)': '.......' }, () => view({ mine: true, status: 'running' }), (row) => row.split(' ')[0]);
  expectGrid({ 'download (own, queued)': '.......', 'delete (own, queued)': '.YYYYYY' }, () => view({ mine: true, status: 'queued' }), (row) => row.split(' ')[0]);
  expectGrid({ 'download (own, expired)': '.......', 'delete (own, expired)': '.YYYYYY' }, () => view({ mine: true, expired: true }), (row) => row.split(' ')[0]);
  expectGrid({ 'download (own, failed)': '.......' }, () => view({ mine: true, status: 'failed' }), (row) => row.split(' ')[0]);
});

describe('a group export downloads only while its requester may still export the group (their standing now)', () => {
  expectGrid({ 'download (own, standing now)': '..Y.YYY', 'delete (own, standing now)': '.YYYYYY' }, (s) => view({ mine: true, standing: s }), (row) => row.split(' ')[0]);
  expectGrid({ 'download (own personal, standing now)': '.YYYYYY' }, (s) => view({ mine: true, kind: 'personal', standing: s }), (row) => row.split(' ')[0]);
});
