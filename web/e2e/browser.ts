/**
 * The storefront in a real browser for the end-to-end tests: Debian's chromium (`/usr/bin/chromium`,
 * installed by `.ci/run` when missing; never a downloaded build) driven by playwright-core, and the
 * app built (scripts/web.ts) so the in-process gateway serves it at `/` as `pnpm start` does.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts', 'e2e');
const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser profile (cookies, storage) on the storefront; requests anywhere else (product image hosts) are refused. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
  context.setDefaultTimeout(20_000);
  await context.route('**/*', (route) => (route.request().url().startsWith(baseURL) ? route.continue() : route.abort()));
  return context;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /Sign out/ }).waitFor();
}

/** The last screen of a journey, kept under test-artifacts/ (not committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Polls what the page shows (vitest's expect.poll with a browser's patience). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.first().textContent({ timeout: 1_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
}

export async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}
