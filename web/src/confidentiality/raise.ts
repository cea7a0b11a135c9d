/**
 * 提高保密级别: the dialog a group's owner or admin confirms before raising the level of a message
 * or thread (offered where viewerCan.raiseConfidentiality says so). It states what changes for
 * whom, that levels are never lowered and that the change is audited; for 受限 it asks who besides
 * the author and the group's owner and admins may still read it.
 */
import { pageError } from '../auth.js';
import { h, setText } from '../dom.js';
import { LEVEL_LABELS, type Confidentiality } from './levels.js';
import type { PickableMember } from './selector.js';

export interface RaiseChoice {
  level: Confidentiality;
  audienceUserIds: string[];
}

export interface RaiseOptions {
  /** The level now. */
  current: Confidentiality;
  /** What is raised, as read in a sentence: 这条消息, 这个帖子. */
  what: string;
  /** Members who may be named for 受限 (loaded when it is first chosen). */
  members: () => Promise<PickableMember[]>;
  /** Left out of the list (the author reads it anyway). */
  authorId?: string;
  /** Runs the raise; a rejection's message is shown in the dialog, which stays open. */
  apply: (choice: RaiseChoice) => Promise<void>;
}

const ORDER: Confidentiality[] = ['NORMAL', 'INTERNAL', 'RESTRICTED'];

/** What each level means for those who already saw the content. */
const EFFECTS: Record<'INTERNAL' | 'RESTRICTED', string> = {
  INTERNAL: '成员仍可查看，但不再出现在通知预览和搜索摘要中，不得转发或导出；查看时显示查看人水印。',
  RESTRICTED: '只有作者、下面勾选的成员和群主、管理员可以查看；其他成员只看到「受限内容」占位，搜索和通知中也不再出现。',
};

/** Opens the dialog; resolves true once the level was raised, false when cancelled. */
export function openRaiseDialog(options: RaiseOptions): Promise<boolean> {
  const levels = ORDER.slice(ORDER.indexOf(options.current) + 1) as Array<'INTERNAL' | 'RESTRICTED'>;
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'raise-dialog', 'aria-labelledby': 'raise-title', 'data-testid': 'raise-dialog' });
    const chosen = new Set<string>();
    const audience = h('fieldset', { class: 'raise-audience', hidden: true, 'data-testid': 'raise-audience' }, h('legend', null, '仍可查看的成员'));
    let loaded = false;
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'raise-error' });
    const effect = h('p', { class: 'raise-effect', 'data-testid': 'raise-effect' });
    const radios = levels.map((level, i) =>
      h('input', { type: 'radio', name: 'raise-level', value: level, checked: i === 0, 'data-testid': `raise-level-${level.toLowerCase()}`, onchange: () => void update() }),
    );
    const level = () => (radios.find((r) => r.checked)?.value ?? levels[0]) as 'INTERNAL' | 'RESTRICTED';

    async function update(): Promise<void> {
      const next = level();
      setText(effect, `将${options.what}由「${LEVEL_LABELS[options.current]}」提高为「${LEVEL_LABELS[next]}」：${EFFECTS[next]}`);
      audience.hidden = next !== 'RESTRICTED';
      if (next !== 'RESTRICTED' || loaded) return;
      loaded = true;
      const status = h('p', { class: 'muted' }, '正在加载成员…');
      audience.append(status);
      const members = await options.members().catch(() => null);
      if (!members) {
        setText(status, '成员列表加载失败，请关闭后重试');
        loaded = false;
        return;
      }
      const others = members.filter((m) => m.id !== options.authorId);
      status.replaceWith(
        others.length
          ? h(
              'div',
              { class: 'raise-members' },
              others.map((m) => {
                const box = h('input', { type: 'checkbox', value: m.id, 'data-testid': 'raise-member', 'data-name': m.realName });
                box.addEventListener('change', () => (box.checked ? chosen.add(m.id) : chosen.delete(m.id)));
                return h('label', { class: 'audience-item' }, box, ` ${m.realName}`, m.unit ? h('span', { class: 'muted' }, ` ${m.unit.name}`) : null);
              }),
            )
          : h('p', { class: 'muted' }, '没有其他成员可选'),
      );
    }

    const done = (raised: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(raised);
    };
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'raise-confirm' }, '确认提高');
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'raise-title' }, '提高保密级别'),
      h('p', null, `${options.what}当前为「${LEVEL_LABELS[options.current]}」。`),
      h(
        'fieldset',
        { class: 'raise-levels' },
        h('legend', null, '提高为'),
        levels.map((l, i) => h('label', { class: 'raise-level' }, radios[i], ` ${LEVEL_LABELS[l]}`)),
      ),
      effect,
      audience,
      h('p', { class: 'muted small' }, '保密级别只能提高，不能降低；本次操作记入操作记录。'),
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'raise-cancel', onclick: () => done(false) }, '取消'),
        confirm,
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      confirm.disabled = true;
      setText(error, '');
      options
        .apply({ level: level(), audienceUserIds: level() === 'RESTRICTED' ? [...chosen] : [] })
        .then(() => done(true))
        .catch((e: unknown) => {
          const shown = pageError(e);
          if (!shown) return done(false);
          setText(error, shown.message);
          confirm.disabled = false;
        });
    });
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done(false);
    });
    dialog.append(form);
    document.body.append(dialog);
    void update();
    dialog.showModal();
  });
}
