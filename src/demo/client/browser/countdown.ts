/**
 * Counts down every access token life on the page (views/token-life.ts renders them with the
 * seconds left by the server's clock) and, at zero, shows what the page offers once it has expired
 * and wakes the buttons waiting for it, hides what only a live token may offer (data-hide-at-zero)
 * and shows what an expired one needs (data-show-at-zero). One second of margin: the Resource Server, not this
 * countdown, decides when the token has expired.
 */
export function startCountdowns(root: ParentNode = document): void {
  for (const life of root.querySelectorAll<HTMLElement>('[data-token-life]')) {
    if (life.dataset.counting === 'yes') continue;
    life.dataset.counting = 'yes';
    const deadline = Date.now() + (Number(life.dataset.secondsLeft ?? '0') + 1) * 1000;
    const number = life.querySelector<HTMLElement>('[data-countdown]');
    const live = life.querySelector<HTMLElement>('[data-token-live]');
    const expired = life.querySelector<HTMLElement>('[data-token-expired]');
    let timer: number | undefined;
    const tick = (): void => {
      const remaining = deadline - Date.now();
      if (number) number.textContent = String(Math.max(0, Math.ceil(remaining / 1000) - 1));
      if (remaining > 0 && Number(life.dataset.secondsLeft ?? '0') > 0) return;
      if (timer !== undefined) window.clearInterval(timer);
      if (live) live.hidden = true;
      if (expired) expired.hidden = false;
      for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-enable-at-zero]')) button.disabled = false;
      // The page's controls follow the token's state: what only a live token may offer goes, what an expired one needs comes.
      for (const element of document.querySelectorAll<HTMLElement>('[data-hide-at-zero]')) element.hidden = true;
      for (const element of document.querySelectorAll<HTMLElement>('[data-show-at-zero]')) element.hidden = false;
    };
    tick();
    if (Number(life.dataset.secondsLeft ?? '0') > 0) timer = window.setInterval(tick, 1000);
  }
}
