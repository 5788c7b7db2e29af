// Finds what a reader sees as broken layout, without comparing pixels: text that runs into other text,
// and text cut off by a box that hides its overflow (a scrolling box is fine: its text is one scroll
// away). Text boxes are the tight boxes of the text itself (a Range over each text node), not the
// boxes of the elements, so a wide block with a short word does not count as covering its neighbours.
import type { Page } from 'playwright-core';

export interface LayoutProblem {
  kind: 'overlap' | 'cut';
  what: string;
}

export async function layoutProblems(page: Page, root = '#root'): Promise<LayoutProblem[]> {
  // Sent as source text: it runs in the page, whose DOM types the test project does not load.
  return page.evaluate(`((rootSelector) => {
    const problems = [];
    const rootElement = document.querySelector(rootSelector);
    if (!rootElement) return [{ kind: 'cut', what: 'no ' + rootSelector }];
    const label = (el, text) => {
      const id = el.closest('[data-testid]')?.getAttribute('data-testid') ?? '';
      const cls = typeof el.className === 'string' ? el.className.split(' ')[0] : '';
      return (id ? '[' + id + '] ' : '') + el.tagName.toLowerCase() + (cls ? '.' + cls : '') + ' "' + text.slice(0, 40) + '"';
    };
    const intersect = (a, b) => ({
      left: Math.max(a.left, b.left),
      top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right),
      bottom: Math.min(a.bottom, b.bottom),
    });
    const area = (b) => Math.max(0, b.right - b.left) * Math.max(0, b.bottom - b.top);

    const leaves = [];
    const walker = document.createTreeWalker(rootElement, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[aria-hidden="true"]'))
        continue;
      if (el.closest('option, select, script, style, .visually-hidden, title')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      // Walk up the boxes that clip: hidden overflow cuts the text, a scroller only hides it for now.
      for (let up = el; up && box; up = up.parentElement) {
        const s = getComputedStyle(up);
        const clipsX = s.overflowX !== 'visible';
        const clipsY = s.overflowY !== 'visible';
        if (!clipsX && !clipsY) continue;
        const c = up.getBoundingClientRect();
        const scrolls = (v) => v === 'auto' || v === 'scroll';
        const over = {
          x: clipsX && (box.left < c.left - 1 || box.right > c.right + 1),
          y: clipsY && (box.top < c.top - 1 || box.bottom > c.bottom + 1),
        };
        if ((over.x && !scrolls(s.overflowX)) || (over.y && !scrolls(s.overflowY))) {
          problems.push({ kind: 'cut', what: label(el, text) + ' is cut by ' + label(up, '') });
          box = null;
          break;
        }
        const visible = intersect(box, { left: c.left, top: c.top, right: c.right, bottom: c.bottom });
        box = area(visible) > 0 ? visible : null;
      }
      if (box) leaves.push({ el, text, box });
    }
    // An ellipsis means the text did not fit.
    for (const el of rootElement.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && s.display !== 'none')
        problems.push({ kind: 'cut', what: label(el, el.textContent ?? '') + ' ends in an ellipsis' });
    }
    // Date-time and number fields must show their whole value.
    for (const input of rootElement.querySelectorAll('input')) {
      const dateLike = input.placeholder === 'YYYY-MM-DD HH:mm' || /^\\d{4}-\\d{2}-\\d{2}/.test(input.value);
      const numeric =
        input.type === 'number' || input.inputMode === 'decimal' || input.inputMode === 'numeric';
      if (!(dateLike || numeric) || input.offsetParent === null) continue;
      if (input.scrollWidth > input.clientWidth + 1)
        problems.push({ kind: 'cut', what: label(input, input.value) + ' does not show its whole value' });
    }
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) {
        const a = leaves[i];
        const b = leaves[j];
        if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
        // Text that only touches other text on its line runs into it too: a 1.5 px margin each side.
        const wide = (x) => ({ left: x.left - 1.5, top: x.top, right: x.right + 1.5, bottom: x.bottom });
        if (area(intersect(wide(a.box), wide(b.box))) > 4)
          problems.push({ kind: 'overlap', what: label(a.el, a.text) + ' overlaps ' + label(b.el, b.text) });
      }
    }
    return problems;
  })(${JSON.stringify(root)})`);
}
