/**
 * A real headless Chromium (Debian's /usr/bin/chromium, installed by .ci/run) driven by playwright-core, for the
 * dashboard's browser tests. Screenshots go to test-output/dashboard/ at the repository root (git-ignored), so a
 * person can look at what the tests saw.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CUSTOS_BIN } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(dirname(dirname(CUSTOS_BIN)), 'test-output', 'dashboard');

export interface TestBrowser {
  browser: Browser;
  /** A new page in a context of its own (its own cookies), with the page's script errors collected. */
  aPage(): Promise<{ page: Page; errors: string[] }>;
  /** Saves a full-page screenshot as test-output/dashboard/NAME.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function aBrowser(): Promise<TestBrowser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    browser,
    aPage: async () => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, errors };
    },
    screenshot: async (page, name) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}
