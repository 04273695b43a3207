import { startCountdowns } from './countdown.js';

/**
 * The small script of every playground page: a click on a diagram step opens that step's
 * exchange, and each access token's remaining life counts down (countdown.ts). An ordinary module, bundled
 * by esbuild (scripts/bundle-browser.mjs).
 */
function playgroundPage(): void {
  function openStep(hash: string): void {
    const match = /^#step-([a-z0-9-]+)$/.exec(hash);
    if (!match) return;
    const card = document.getElementById(`step-${match[1] ?? ''}`);
    if (!(card instanceof HTMLDetailsElement)) return;
    card.open = true;
    card.classList.remove('is-focused');
    // Restart the highlight animation even when the same step is chosen twice.
    void card.offsetWidth;
    card.classList.add('is-focused');
    card.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }
  window.addEventListener('hashchange', () => openStep(location.hash));
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest('a[href^="#step-"]');
    // Clicking the step already in the URL does not fire hashchange.
    if (link && link.getAttribute('href') === location.hash) openStep(location.hash);
  });
  if (location.hash) openStep(location.hash);

  startCountdowns();
}

playgroundPage();
