/** Moving between views the way a user does: the navigation link, then the view's heading. */
import { expect, type Page } from '@playwright/test';

/** Click the view's link in the Views navigation and wait for its heading. */
export async function openView(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: new RegExp(`^${label}`) }).click();
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}
