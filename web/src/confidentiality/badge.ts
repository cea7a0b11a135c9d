import { h } from '../dom.js';
import { LEVEL_HINTS, LEVEL_LABELS, type Confidentiality } from './levels.js';

/** A small 内部 / 受限 tag next to a message or post (nothing for normal content). */
export function levelBadge(level: string | null | undefined): HTMLElement | null {
  if (level !== 'INTERNAL' && level !== 'RESTRICTED') return null;
  return h('span', { class: `level-badge level-${level.toLowerCase()}`, title: LEVEL_HINTS[level as Confidentiality], 'data-testid': 'level-badge' }, LEVEL_LABELS[level as Confidentiality]);
}
