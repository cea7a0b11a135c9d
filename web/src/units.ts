/** The org tree (province → city → county) from the flat `orgUnits` list. */
import { gql } from './api.js';
import { h } from './dom.js';
import { UnitFields } from './graphql/fragments.js';
import { graphql, type TadaDocumentNode } from './graphql/index.js';
import type { OrgUnit } from './types.js';

export interface UnitNode {
  unit: OrgUnit;
  depth: number;
  children: UnitNode[];
}

/** The whole org list, by what the page shows of each unit. */
export const UNITS = graphql(`query Units { orgUnits { ...UnitFields } }`, [UnitFields]);
export const UNITS_WITH_ABILITIES = graphql(`query UnitsWithAbilities { orgUnits { ...UnitFields viewerCan { administer } } }`, [UnitFields]);
export const UNITS_WITH_COUNTS = graphql(`query UnitsWithCounts { orgUnits { ...UnitFields memberCount subtreeMemberCount } }`, [UnitFields]);

export async function fetchUnits<Unit extends OrgUnit>(document: TadaDocumentNode<{ orgUnits: Unit[] }, {}>, signal?: AbortSignal): Promise<Unit[]> {
  const data = await gql(document, {}, signal);
  return data.orgUnits;
}

/** Roots with their children, in the server's display order. Orphans (parent not listed) become roots. */
export function buildTree(units: OrgUnit[]): UnitNode[] {
  const byId = new Map<string, UnitNode>();
  for (const unit of units) byId.set(unit.id, { unit, depth: 0, children: [] });
  const roots: UnitNode[] = [];
  for (const unit of units) {
    const node = byId.get(unit.id)!;
    const parent = unit.parent ? byId.get(unit.parent.id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (nodes: UnitNode[], depth: number) => {
    for (const node of nodes) {
      node.depth = depth;
      setDepth(node.children, depth + 1);
    }
  };
  setDepth(roots, 0);
  return roots;
}

/** Depth-first, parents before children. */
export function flatten(nodes: UnitNode[]): UnitNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

/**
 * <option>s for a unit <select>, indented by level. Units for which `enabled` says no are
 * shown (to keep the tree readable) but cannot be chosen.
 */
export function unitOptions(units: OrgUnit[], enabled: (unit: OrgUnit) => boolean = () => true): HTMLOptionElement[] {
  return flatten(buildTree(units)).map(({ unit, depth }) =>
    h('option', { value: unit.id, disabled: !enabled(unit) }, `${'\u3000'.repeat(depth)}${depth ? '└ ' : ''}${unit.name}`),
  );
}
