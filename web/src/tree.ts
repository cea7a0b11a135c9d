/**
 * An accessible tree view (WAI-ARIA tree pattern) of the org units: one tab stop, arrow keys
 * to move, Right/Left to expand/collapse, Enter or Space to choose, Home/End.
 */
import { h, replaceChildren } from './dom.js';
import { LEVEL_LABELS } from './format.js';
import type { UnitNode } from './units.js';

export interface TreeOptions {
  roots: UnitNode[];
  /** Initially expanded unit ids. */
  expanded: Set<string>;
  selectedId: string | null;
  onSelect: (unitId: string) => void;
  /** Small text after the name, e.g. a member count. */
  badge?: (node: UnitNode) => string | null;
}

export class UnitTree {
  readonly el: HTMLUListElement;
  private readonly items = new Map<string, HTMLLIElement>();
  private readonly parents = new Map<string, string | null>();
  /** Unit ids top to bottom (pre-order), as they appear on screen. */
  private readonly order: string[] = [];
  private readonly expanded: Set<string>;
  private selectedId: string | null;
  private focusId: string | null = null;

  constructor(private readonly options: TreeOptions) {
    this.expanded = new Set(options.expanded);
    this.selectedId = options.selectedId;
    this.el = h('ul', { class: 'tree', role: 'tree', 'aria-label': '组织机构', 'data-testid': 'unit-tree', onkeydown: (e: KeyboardEvent) => this.onKey(e) });
    replaceChildren(this.el, options.roots.map((node) => this.renderNode(node, null)));
    this.focusId = this.selectedId && this.items.has(this.selectedId) ? this.selectedId : (options.roots[0]?.unit.id ?? null);
    this.refresh();
  }

  /** Marks a unit as selected (and reveals it) without moving keyboard focus. */
  select(unitId: string | null): void {
    this.selectedId = unitId;
    if (unitId) {
      for (let p = this.parents.get(unitId); p; p = this.parents.get(p)) this.expanded.add(p);
      if (this.items.has(unitId)) this.focusId = unitId;
    }
    this.refresh();
  }

  private renderNode(node: UnitNode, parentId: string | null): HTMLLIElement {
    const { unit } = node;
    this.parents.set(unit.id, parentId);
    this.order.push(unit.id);
    const hasChildren = node.children.length > 0;
    const toggle = h(
      'span',
      {
        class: 'tree-toggle',
        'aria-hidden': 'true',
        onclick: (e: MouseEvent) => {
          if (!hasChildren) return;
          e.stopPropagation();
          this.toggle(unit.id);
        },
      },
    );
    const badge = this.options.badge?.(node);
    const row = h(
      'div',
      { class: 'tree-row', 'data-testid': 'tree-item', 'data-unit-id': unit.id, 'data-unit-name': unit.name, title: `${unit.name}（${LEVEL_LABELS[unit.level] ?? ''}）` },
      toggle,
      h('span', { class: 'tree-name' }, unit.name),
      badge ? h('span', { class: 'tree-badge' }, badge) : null,
    );
    const li = h(
      'li',
      {
        role: 'treeitem',
        'aria-level': node.depth + 1,
        class: `tree-item level-${node.depth}`,
        'data-unit-id': unit.id,
        onclick: (e: MouseEvent) => {
          e.stopPropagation();
          this.focus(unit.id);
          this.options.onSelect(unit.id);
        },
      },
      row,
      hasChildren ? h('ul', { role: 'group', class: 'tree-group' }, node.children.map((child) => this.renderNode(child, unit.id))) : null,
    );
    if (hasChildren) li.classList.add('has-children');
    this.items.set(unit.id, li);
    return li;
  }

  private refresh(): void {
    for (const [id, li] of this.items) {
      const group = li.querySelector<HTMLElement>(':scope > ul');
      if (group) {
        const open = this.expanded.has(id);
        li.setAttribute('aria-expanded', String(open));
        group.hidden = !open;
      }
      li.setAttribute('aria-selected', String(id === this.selectedId));
      li.tabIndex = id === this.focusId ? 0 : -1;
    }
  }

  private toggle(id: string, open = !this.expanded.has(id)): void {
    if (open) this.expanded.add(id);
    else this.expanded.delete(id);
    this.refresh();
  }

  private focus(id: string): void {
    this.focusId = id;
    this.refresh();
    this.items.get(id)?.focus();
  }

  /** Items a sighted user can see now, top to bottom. */
  private visibleIds(): string[] {
    return this.order.filter((id) => {
      for (let p = this.parents.get(id); p; p = this.parents.get(p)) if (!this.expanded.has(p)) return false;
      return true;
    });
  }

  private onKey(event: KeyboardEvent): void {
    const id = this.focusId;
    if (!id) return;
    const visible = this.visibleIds();
    const index = visible.indexOf(id);
    const li = this.items.get(id)!;
    const hasChildren = li.classList.contains('has-children');
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        if (index < visible.length - 1) this.focus(visible[index + 1]);
        break;
      case 'ArrowUp':
        if (index > 0) this.focus(visible[index - 1]);
        break;
      case 'Home':
        this.focus(visible[0]);
        break;
      case 'End':
        this.focus(visible[visible.length - 1]);
        break;
      case 'ArrowRight':
        if (hasChildren && !this.expanded.has(id)) this.toggle(id, true);
        else if (hasChildren) this.focus(visible[index + 1]);
        break;
      case 'ArrowLeft': {
        const parent = this.parents.get(id);
        if (hasChildren && this.expanded.has(id)) this.toggle(id, false);
        else if (parent) this.focus(parent);
        break;
      }
      case 'Enter':
      case ' ':
        this.options.onSelect(id);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }
}
