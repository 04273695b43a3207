/**
 * The small script of every playground page: a click on a diagram step opens that step's
 * exchange, and the refresh page counts down to its token's expiry. An ordinary module, bundled
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

  const countdown = document.querySelector<HTMLElement>('[data-seconds-left]');
  if (countdown) {
    // One second of margin: the server, not this countdown, decides when the token has expired.
    const deadline = Date.now() + (Number(countdown.dataset.secondsLeft ?? '0') + 1) * 1000;
    const number = countdown.querySelector<HTMLElement>('[data-countdown]');
    const tick = (): void => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      if (number) number.textContent = String(left);
      if (left > 0) return;
      window.clearInterval(timer);
      countdown.textContent = 'The access token has expired. Call the Resource Server with it.';
      for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-enable-at-zero]')) button.disabled = false;
    };
    const timer = window.setInterval(tick, 1000);
    tick();
  }
}

playgroundPage();
