/**
 * The "Copy" buttons of the raw HTTP views (views/exchange-raw.ts): each copies the text of the
 * <pre> it names with data-copy-target (an element of the same .raw-http block). The buttons are
 * rendered hidden and shown here, so that without this script nobody sees a button that does
 * nothing; the text stays selectable either way. Called by the page script on load
 * (playground-page.ts) and by the implicit SPA after it renders cards; calling it twice is harmless.
 */
export function copyButtons(): void {
  const buttons = document.querySelectorAll<HTMLButtonElement>('button[data-copy-target]');
  for (const button of buttons) {
    button.hidden = false;
    if (button.dataset.copyReady === 'yes') continue;
    button.dataset.copyReady = 'yes';
    button.addEventListener('click', () => {
      const block = button.closest('.raw-http');
      const source = block?.querySelector<HTMLElement>(`[data-copy-source="${button.dataset.copyTarget ?? ''}"]`);
      if (!source) return;
      const text = source.textContent ?? '';
      const said = (message: string): void => {
        const status = block?.querySelector<HTMLElement>('[data-copy-status]');
        if (status) status.textContent = message;
      };
      const selectIt = (): void => {
        // Without the Clipboard API (an insecure origin), select the text for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
        said('Selected: press Ctrl+C (⌘C) to copy.');
      };
      if (!navigator.clipboard) {
        selectIt();
        return;
      }
      navigator.clipboard.writeText(text).then(() => said('Copied.'), selectIt);
    });
  }
}
