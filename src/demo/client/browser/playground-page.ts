import { copyButtons } from './copy-buttons.js';
import { startCountdowns } from './countdown.js';

/**
 * The small script of every playground page: a diagram step (arrow or phone list item) opens that
 * step's exchange and moves focus to it, in-page jumps land below the header's real height, and
 * each access token's remaining life counts down (countdown.ts). An ordinary module, bundled by
 * esbuild (scripts/bundle-browser.mjs).
 */
function playgroundPage(): void {
  const root = document.documentElement;
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  // The stylesheet keeps the header sticky only on a desktop (1100 px up; narrower, it scrolls away).
  // Jumps (#run, #step-…) must land below it whatever it wraps to: the stylesheet's
  // scroll-padding-top reads --header-height, measured here rather than guessed.
  const header = document.getElementById('topbar');
  function measureHeader(): void {
    const sticky = header !== null && getComputedStyle(header).position === 'sticky';
    root.style.setProperty('--header-height', `${sticky && header ? Math.ceil(header.getBoundingClientRect().height) : 0}px`);
  }
  measureHeader();
  if (header && 'ResizeObserver' in window) new ResizeObserver(measureHeader).observe(header);
  window.addEventListener('resize', measureHeader);

  function openStep(hash: string): boolean {
    const match = /^#step-([\w-]+)$/.exec(hash);
    if (!match) return false;
    const card = document.getElementById(`step-${match[1] ?? ''}`);
    if (!(card instanceof HTMLDetailsElement)) return false;
    card.open = true;
    card.classList.remove('is-focused');
    // Restart the highlight animation even when the same step is chosen twice.
    void card.offsetWidth;
    card.classList.add('is-focused');
    // Focus follows the jump (a keyboard or screen-reader user lands in the card that opened);
    // the summary is the card's own focusable control, so Enter closes it again.
    card.querySelector('summary')?.focus({ preventScroll: true });
    card.scrollIntoView({ behavior: reducedMotion.matches ? 'auto' : 'smooth', block: 'start' });
    return true;
  }
  window.addEventListener('hashchange', () => openStep(location.hash));
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest('a[href^="#step-"]');
    // Clicking the step already in the URL does not fire hashchange.
    if (link && link.getAttribute('href') === location.hash) openStep(location.hash);
  });
  if (location.hash && !openStep(location.hash)) {
    // The browser jumped to #run before --header-height existed: jump again, below the header.
    document.getElementById(location.hash.slice(1))?.scrollIntoView({ block: 'start' });
  }

  // The phone list mirrors the SVG's arrows. Pages lit in the browser (the implicit SPA) restyle
  // the arrows only; copy each arrow's state to its list item and to both accessible names.
  const STATE_WORDS: Record<string, string> = { 'is-pending': 'not yet run', 'is-done': 'done', 'is-failed': 'failed' };
  function syncListItem(arrow: Element): void {
    const key = arrow.getAttribute('data-step-id');
    const item = key === null ? null : document.querySelector(`[data-diagram-item="${CSS.escape(key)}"]`);
    const state = Object.keys(STATE_WORDS).find((name) => arrow.classList.contains(name));
    if (!item || !state) return;
    const words = STATE_WORDS[state] ?? '';
    if (item.className !== arrow.getAttribute('class')) item.className = arrow.getAttribute('class') ?? '';
    const label = item.querySelector('[data-state-words]');
    if (label && label.textContent !== words) label.textContent = words;
    const name = arrow.getAttribute('aria-label');
    if (name) arrow.setAttribute('aria-label', name.replace(/\((not yet run|done|failed)\)/, `(${words})`));
  }
  const arrows = document.querySelectorAll('svg.sequence-diagram a[data-step-id]');
  if (arrows.length > 0) {
    const observer = new MutationObserver((records) => {
      for (const record of records) if (record.target instanceof Element) syncListItem(record.target);
    });
    for (const arrow of arrows) observer.observe(arrow, { attributes: true, attributeFilter: ['class'] });
  }

  startCountdowns();
  copyButtons();
}

playgroundPage();
