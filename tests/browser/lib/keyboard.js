// Keyboard use, measured in the page: which elements Tab should reach, in which order, and how
// a focused element looks compared with the same element unfocused.

/**
 * Runs in the page. Numbers every element a keyboard user should reach with Tab, in document
 * order (one stop per radio group), marks it with `data-tab-stop`, and returns their descriptions
 * with any positive tabindex found.
 */
export function tabStopsInPage() {
  const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable="true"]';
  const shown = (el) => {
    if (el.closest('[inert], [hidden]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || style.display === 'none') return false;
    return el.getClientRects().length > 0;
  };
  const radioGroups = new Set();
  const stops = [];
  const positive = [];
  for (const el of document.querySelectorAll(selector)) {
    const tabindex = el.getAttribute('tabindex');
    if (tabindex !== null && Number(tabindex) > 0) positive.push(el.outerHTML.slice(0, 120));
    if (tabindex !== null && Number(tabindex) < 0) continue;
    if (el.disabled || (el.localName === 'input' && el.type === 'hidden')) continue;
    if (el.localName === 'summary' && el.parentElement?.localName !== 'details') continue;
    if (!shown(el)) continue;
    if (el.localName === 'input' && el.type === 'radio') {
      const group = `${el.form?.id ?? ''}|${el.name}`;
      if (el.name && radioGroups.has(group)) continue;
      radioGroups.add(group);
      // The group's stop is its checked radio when there is one.
      const checked = el.name && [...document.querySelectorAll(`input[type=radio]`)].find((r) => r.name === el.name && r.form === el.form && r.checked);
      if (checked && checked !== el) {
        checked.dataset.tabStop = String(stops.length);
        stops.push(describeStop(checked));
        continue;
      }
    }
    el.dataset.tabStop = String(stops.length);
    stops.push(describeStop(el));
  }
  function describeStop(el) {
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').trim().replace(/\s+/g, ' ');
    return `${el.localName}${el.type && el.localName === 'input' ? `[type=${el.type}]` : ''}${el.name ? `[name=${el.name}]` : ''} «${text.slice(0, 40)}»`;
  }
  return { stops, positive };
}

/**
 * Runs in the page: the focused element's tab-stop number and how it looks, once any scrolling
 * that focusing started (smooth scrolling) has come to rest.
 */
export async function focusedInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let last = null;
  for (let i = 0; i < 120; i++) {
    await frame();
    const now = `${scrollX},${scrollY},${JSON.stringify(el.getBoundingClientRect())}`;
    if (now === last) break;
    last = now;
  }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const look = {
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
    background: style.backgroundColor,
    border: `${style.borderTopWidth} ${style.borderTopColor} ${style.borderBottomWidth} ${style.borderBottomColor}`,
    decoration: `${style.textDecorationLine} ${style.textDecorationThickness}`,
    color: style.color,
  };
  const inView = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 && rect.left < innerWidth && rect.top < innerHeight;
  return {
    stop: el.dataset.tabStop ?? null,
    tag: el.localName,
    html: el.outerHTML.slice(0, 120),
    look,
    inView,
    outlineVisible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1 && !/rgba\([^)]*,\s*0\)$/.test(style.outlineColor),
  };
}

/** Runs in the page: how the element with tab-stop `n` looks without focus. */
export function unfocusedLookInPage(n) {
  const el = document.querySelector(`[data-tab-stop="${n}"]`);
  const style = getComputedStyle(el);
  return {
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
    background: style.backgroundColor,
    border: `${style.borderTopWidth} ${style.borderTopColor} ${style.borderBottomWidth} ${style.borderBottomColor}`,
    decoration: `${style.textDecorationLine} ${style.textDecorationThickness}`,
    color: style.color,
  };
}
