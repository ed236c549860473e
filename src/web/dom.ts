/** Tiny DOM helpers for the explorer (no framework: the page is small). */

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** `h('button', {class: 'x', 'aria-pressed': true}, 'text')`: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

/** The element with this id (throws when the page skeleton lacks it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: missing #${id}`);
  return el as T;
}

/** Saves text or a data URL as a file download (a blob: URL; nothing leaves the machine). */
export function download(name: string, content: string, type: string): void {
  const url = content.startsWith('data:')
    ? content
    : URL.createObjectURL(new Blob([content], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  if (url.startsWith('blob:')) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A number as a percentage with one decimal ("18.3%"). */
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
