// Text contrast, measured in the page from computed styles. axe-core leaves much Arabic text
// unmeasured (its icon-ligature heuristic misfires on Arabic script), so every element with
// visible text is checked here: 4.5:1, or 3:1 for large text (24px, or 18.66px bold).

/**
 * Runs in the page. Returns how many visible text elements were measured (`checked`) and one
 * entry per element whose contrast is too low or cannot be measured (text over an image or a
 * gradient): `failures: [{ selector, text, ratio, required, ... }]`.
 */
export function lowContrastInPage() {
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x, y) => {
    const [l1, l2] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const describe = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.localName;
      if (node.id) part += `#${node.id}`;
      else if (node.classList.length) part += `.${[...node.classList].join('.')}`;
      parts.unshift(part);
      if (node.id) break;
    }
    return parts.join(' > ');
  };
  // The background an element's text is drawn on: its own and its ancestors' backgrounds,
  // composited from the top of the stack down to the first opaque one (the page is white).
  const backdrop = (el) => {
    const layers = [];
    let opacity = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      opacity *= Number(style.opacity);
      if (style.backgroundImage !== 'none') return { unknown: `background-image on ${describe(node)}`, opacity };
      const color = parse(style.backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return { color: result, opacity };
  };
  const visible = (el) => {
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return false;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility !== 'visible' || Number(style.opacity) === 0) return false;
      if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return false;
    }
    return true;
  };
  const failures = [];
  const seen = new Set();
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim()) continue;
    const el = text.parentElement;
    if (!el || seen.has(el) || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    seen.add(el);
    if (!visible(el)) continue;
    checked += 1;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const required = large ? 3 : 4.5;
    const back = backdrop(el);
    const sample = text.data.trim().slice(0, 40);
    if (back.unknown) {
      failures.push({ selector: describe(el), text: sample, ratio: null, required, reason: back.unknown });
      continue;
    }
    const fg = parse(style.color);
    const fore = over({ ...fg, a: fg.a * back.opacity }, back.color);
    const measured = ratio(fore, back.color);
    if (measured + 1e-6 < required) {
      failures.push({
        selector: describe(el),
        text: sample,
        ratio: Math.round(measured * 100) / 100,
        required,
        color: style.color,
        background: `rgb(${back.color.r.toFixed(0)}, ${back.color.g.toFixed(0)}, ${back.color.b.toFixed(0)})`,
        fontSize: style.fontSize,
      });
    }
  }
  return { checked, failures };
}
