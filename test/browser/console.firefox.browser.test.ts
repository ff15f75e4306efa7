import { describe } from 'vitest';
import { JOURNEY, runJourney } from './journey.js';
import { launchFirefoxUi } from './ui.js';

/**
 * The console's user journey in Firefox: Debian's firefox-esr, driven by puppeteer-core over
 * WebDriver BiDi (Playwright's Firefox needs a patched build of its own). The same steps as in
 * Chromium (console.browser.test.ts), from journey.ts.
 */
describe('admin console in Firefox', () => {
  runJourney('browser-firefox', launchFirefoxUi, JOURNEY);
});
