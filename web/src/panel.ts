/**
 * Buttons that each open one small inline form below them (one at a time). The trigger gets
 * aria-expanded; Cancel or Escape closes the form and gives focus back to the trigger.
 */
import { h, replaceChildren } from './dom.js';

export interface PanelAction {
  label: string;
  kind?: 'secondary' | 'danger' | 'primary';
  testid?: string;
  /** Builds the form; call `close()` when done or cancelled. */
  render: (close: () => void) => HTMLElement;
}

export class ActionPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private openIndex = -1;
  private readonly triggers: HTMLButtonElement[] = [];

  constructor(actions: PanelAction[]) {
    this.body = h('div', { class: 'panel-body', hidden: true });
    this.body.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.close(true);
      }
    });
    actions.forEach((action, i) => {
      const trigger = h(
        'button',
        { type: 'button', class: `btn btn-${action.kind ?? 'secondary'}`, 'aria-expanded': 'false', 'data-testid': action.testid, onclick: () => this.toggle(i, action) },
        action.label,
      );
      this.triggers.push(trigger);
    });
    this.el = h('div', { class: 'action-panel' }, h('div', { class: 'actions' }, this.triggers), this.body);
  }

  private toggle(index: number, action: PanelAction): void {
    if (this.openIndex === index) {
      this.close(true);
      return;
    }
    this.openIndex = index;
    this.triggers.forEach((t, i) => t.setAttribute('aria-expanded', String(i === index)));
    replaceChildren(this.body, action.render(() => this.close(true)));
    this.body.hidden = false;
    this.body.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }

  close(returnFocus: boolean): void {
    const trigger = this.triggers[this.openIndex];
    this.openIndex = -1;
    this.triggers.forEach((t) => t.setAttribute('aria-expanded', 'false'));
    replaceChildren(this.body);
    this.body.hidden = true;
    if (returnFocus) trigger?.focus();
  }
}
