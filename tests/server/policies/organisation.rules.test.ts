import { describe, expect, it } from 'vitest';
import { can, Organisation } from '../../../server/policies/index.js';
import { actorFor } from './table.js';

/** server/policies/organisation.ts: importing the organisation is for system admins only. */
describe('the organisation as a whole', () => {
  it('import: system admins only (not unit admins, not anonymous)', () => {
    expect(can(actorFor('anonymous'), 'import', Organisation.whole)).toBe(false);
    expect(can(actorFor('outsider'), 'import', Organisation.whole)).toBe(false);
    expect(can(actorFor('outsider', { adminUnitPaths: ['/root/'] }), 'import', Organisation.whole)).toBe(false);
    expect(can(actorFor('systemAdmin'), 'import', Organisation.whole)).toBe(true);
  });
});
