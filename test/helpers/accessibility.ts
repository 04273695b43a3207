import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** WCAG 2.0 and 2.1, levels A and AA: what axe checks on every page. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;
/** The widths a page is looked at: a desktop and a phone (an iPhone 12 to 15 is 390 px wide). */
export const DESKTOP_WIDTH = 1280;
export const PHONE_WIDTH = 390;
export const COLOR_SCHEMES = ['light', 'dark'] as const;
export type ColorScheme = (typeof COLOR_SCHEMES)[number];

/** What a page's check found wrong, one line each; empty when the page passes. */
export type Findings = string[];

/**
 * axe-core on the page as it is now: every serious or critical violation of {@link AXE_TAGS}, one
 * line per rule with the elements it found. Minor and moderate ones are left to review.
 */
export async function seriousAxeViolations(page: Page): Promise<Findings> {
  const results = await new AxeBuilder({ page }).withTags([...AXE_TAGS]).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}; at ${violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}]` : ''}`).join(' | ')}`);
}

/** Wider than the viewport means the phone scrolls sideways: the whole page, not a box inside it. */
export async function horizontalOverflow(page: Page, width: number): Promise<Findings> {
  const found = await page.evaluate(() => {
    const root = document.documentElement;
    // The widest elements, to say where the overflow comes from.
    const culprits = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''} (right ${Math.round(element.getBoundingClientRect().right)})`);
    return { scrollWidth: root.scrollWidth, culprits };
  });
  return found.scrollWidth <= width ? [] : [`page is ${found.scrollWidth} px wide at ${width} px: ${found.culprits.join(', ')}`];
}

/** The first element Tab reaches is a visible-on-focus skip link to an element of the page. */
export async function skipLinkProblems(page: Page): Promise<Findings> {
  const found = await page.evaluate(() => {
    const focusable = [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
      .filter((element) => element.tabIndex >= 0 && !element.closest('[hidden], [inert]') && getComputedStyle(element).visibility !== 'hidden' && getComputedStyle(element).display !== 'none');
    const first = focusable[0];
    const href = first?.getAttribute('href') ?? '';
    return { tag: first?.tagName.toLowerCase(), href, text: first?.textContent?.trim(), targetExists: href.startsWith('#') && document.getElementById(href.slice(1)) !== null };
  });
  if (found.tag === 'a' && found.targetExists && /skip/i.test(found.text ?? '')) return [];
  return [`first focusable element is not a skip link: <${found.tag ?? 'none'} href="${found.href}">${found.text ?? ''}`];
}

export interface PageCheckOptions {
  /** Both by default; a page that cannot be reloaded may be checked in one. */
  colorSchemes?: readonly ColorScheme[];
  /** The widths axe runs at; the overflow check runs at {@link PHONE_WIDTH} whatever this says. */
  widths?: readonly number[];
  /** A skip link is expected first on every page of ours; pages of others (a test's callback) are not checked for it. */
  skipLink?: boolean;
}

/**
 * Everything checked on a page as it stands, without reloading it (a page mid-flow is a state that a
 * reload may not give back): axe in light and dark mode at desktop and phone width, no horizontal
 * overflow at 390 px, a skip link first. Leaves the page at its original viewport and in light mode.
 * Returns the findings, each prefixed with `label`, so that one test can report every page at once.
 */
export async function checkPage(page: Page, label: string, options: PageCheckOptions = {}): Promise<Findings> {
  const original = page.viewportSize() ?? { width: DESKTOP_WIDTH, height: 800 };
  const findings: Findings = [];
  if (options.skipLink !== false) findings.push(...await skipLinkProblems(page));
  for (const width of options.widths ?? [DESKTOP_WIDTH, PHONE_WIDTH]) {
    await page.setViewportSize({ width, height: original.height });
    for (const colorScheme of options.colorSchemes ?? COLOR_SCHEMES) {
      await page.emulateMedia({ colorScheme });
      findings.push(...(await seriousAxeViolations(page)).map((finding) => `${colorScheme}, ${width} px: ${finding}`));
    }
  }
  await page.setViewportSize({ width: PHONE_WIDTH, height: original.height });
  findings.push(...await horizontalOverflow(page, PHONE_WIDTH));
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(original);
  return findings.map((finding) => `${label}: ${finding}`);
}

/** {@link checkPage}, failing the test at once with every finding. */
export async function expectAccessiblePage(page: Page, label: string, options: PageCheckOptions = {}): Promise<void> {
  expect(await checkPage(page, label, options)).toEqual([]);
}
