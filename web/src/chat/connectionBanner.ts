/**
 * "连接已断开，正在重连…" while the live connection is down, then "已恢复" for a few seconds once
 * it is back and has caught up on what was missed.
 */
import { h, setText } from '../dom.js';
import { realtime } from './realtime.js';

const RECOVERED_SHOWN_MS = 3000;

export function connectionBanner(): { el: HTMLElement; destroy: () => void } {
  const el = h('div', { class: 'conn-banner', role: 'status', 'aria-live': 'polite', hidden: true, 'data-testid': 'connection-banner' });
  let timer: number | undefined;
  const render = (state: string, recovered: boolean) => {
    window.clearTimeout(timer);
    el.classList.toggle('conn-ok', recovered);
    if (state === 'reconnecting') setText(el, '连接已断开，正在重连…');
    else if (recovered) {
      setText(el, '已恢复连接，消息已同步');
      timer = window.setTimeout(() => setText(el, null), RECOVERED_SHOWN_MS);
    } else setText(el, null);
    el.dataset.state = recovered ? 'recovered' : state;
  };
  render(realtime.connectionState(), false);
  const off = realtime.onState(render);
  return {
    el,
    destroy: () => {
      off();
      window.clearTimeout(timer);
    },
  };
}
