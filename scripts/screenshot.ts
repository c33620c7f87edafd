// Takes docs/report.png, the README's picture of a report: the top of the
// Middle Corridor baseline's report.html, rendered in headless Chromium.
// Run: npx tsx scripts/screenshot.ts (after npm start -- --report).
import path from 'node:path';
import { chromium } from 'playwright-core';

const file = path.resolve(process.argv[2] ?? 'output/middle-corridor/report.html');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1000, height: 1500 } });
await page.goto(`file://${file}`);
await page.screenshot({ path: 'docs/report.png' });
await browser.close();
console.log('wrote docs/report.png');
