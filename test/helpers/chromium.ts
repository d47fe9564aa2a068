// Debian's Chromium, headless, driven by playwright-core (no browser download): a page opened as
// a person would open it, for the tests that check what a person sees (the report, lab:open).
// The flags are those this machine's browser needs: root, no GPU, and none of the background
// connections its closed network refuses; playwright gives each launch a fresh profile.
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function withChromiumPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    return await use(await browser.newPage({ viewport: { width: 1200, height: 900 } }));
  } finally {
    await browser.close();
  }
}

/** Every image of the page that did not load (by its src), and every link (href) the page has. */
export async function brokenImagesAndLinks(page: Page): Promise<{ brokenImages: string[]; links: string[] }> {
  return page.evaluate(() => ({
    brokenImages: [...document.images]
      .filter((img) => !img.complete || img.naturalWidth === 0)
      .map((img) => img.getAttribute('src') ?? ''),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? ''),
  }));
}
