/**
 * Views other than the Overview are chunks the page fetches when first shown (issue 14: a
 * smaller first bundle). With the demo case (no crash needed): a view reached from the keyboard
 * gets the focus on its heading once its chunk is in; a view whose chunk cannot be fetched says
 * so and what to do, instead of an empty page; after a reload it shows.
 */
import { expect, test } from '@playwright/test';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

let host: ServeHandle | undefined;
test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('a view whose chunk cannot be fetched says so and to reload; after the reload it shows', async ({ browser }) => {
  host = await startServe({ demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  const page = await (await browser.newContext()).newPage();
  // As if the host had been updated under the open page: the Log view's chunk is gone.
  await page.route(/\/assets\/LogView-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto(host.url);
  await expect(page.getByTestId('verdict-card')).toBeVisible();
  await page.goto(`${host.url}#/log`);
  await expect(page.getByTestId('view-load-error')).toContainText('This view could not be loaded');
  await expect(page.getByTestId('view-load-error')).toContainText('Reload the page');

  await page.unroute(/\/assets\/LogView-[^/]*\.js$/);
  await page.reload();
  await expect(page.getByTestId('view-load-error')).toHaveCount(0);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
  await page.context().close();
});

test('Alt+digit to a view not fetched yet: its heading has the focus once it is shown', async ({ browser }) => {
  host = await startServe({ demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  // A fresh context: no chunk but the first bundle's is loaded.
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('verdict-card')).toBeVisible();
  await page.keyboard.press('Alt+7');
  await expect(page.getByRole('heading', { level: 1, name: 'Log' })).toBeFocused();
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { level: 1, name: 'Processes' })).toBeFocused();
  await page.context().close();
});
