import { describe, expect, it } from 'vitest';
import { can, ContentReaders } from '../../../server/policies/index.js';
import { actorFor, expectGrid, groupAccessFor, VIEWER_ID } from './table.js';

/** server/policies/confidentiality.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
describe('levels and sensitive rules of a group', () => {
  expectGrid({ raiseConfidentiality: '....YY.', readSensitiveRules: '..YYYYY', manageSensitiveRules: '..Y.YYY' }, (s) => groupAccessFor(s));
});

describe('reading confidential content', () => {
  it.each([
    ['normal', new ContentReaders('normal', null), true],
    ['internal', new ContentReaders('internal', null), true],
    ['restricted, the viewer among its readers', new ContentReaders('restricted', new Set([VIEWER_ID])), true],
    ['restricted, the viewer not among them', new ContentReaders('restricted', new Set(['someone'])), false],
  ] as const)('%s', (_name, content, expected) => {
    expect(can(actorFor('member'), 'read', content)).toBe(expected);
    // A system admin reads restricted content only as one of its readers.
    expect(can(actorFor('systemAdmin'), 'read', content)).toBe(expected);
    expect(can(null, 'read', content)).toBe(false);
  });
});
