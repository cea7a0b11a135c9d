/**
 * The only way the UI builds DOM: h(tag, attrs, ...children). Strings always become text
 * nodes (never HTML), so anything that came from the server is shown literally.
 * No `style` attribute (the CSP forbids inline styles) and no innerHTML.
 */

export type Child = Node | string | number | null | undefined | false | Child[];

type Listener = (event: any) => void;
export type AttrValue = string | number | boolean | null | undefined | Listener;
export type Attrs = Record<string, AttrValue>;

/** Set as properties after the children exist (a <select>'s value needs its options). */
const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const props: Array<[string, AttrValue]> = [];
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'style' || key === 'innerHTML' || key === 'srcdoc') throw new Error(`h(): attribute "${key}" is not allowed`);
    if (key.startsWith('on')) {
      // Only real listeners: an inline handler string would be code (and is refused by the CSP anyway).
      if (typeof value !== 'function') throw new Error(`h(): "${key}" must be a function`);
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if ((key === 'href' || key === 'src' || key === 'action') && /^\s*(javascript|data|vbscript):/i.test(String(value))) {
      throw new Error(`h(): unsafe URL in "${key}"`);
    } else if (PROPERTIES.has(key)) {
      props.push([key, value]);
    } else if (typeof value === 'function') {
      throw new Error(`h(): attribute "${key}" cannot be a function`);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  for (const [key, value] of props) (el as unknown as Record<string, unknown>)[key] = value;
  return el;
}

/** Appends children; strings and numbers become text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** Text of a live region or message element; empties and hides it when text is empty. */
export function setText(el: HTMLElement, text: string | null | undefined): void {
  el.textContent = text ?? '';
  el.hidden = !text;
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'jl'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
