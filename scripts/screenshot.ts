// Takes the README's pictures in headless Chromium: docs/report.png, the top of
// the Middle Corridor spill model's report.html, and docs/explorer.png, its
// explorer page with two settings moved.
// Run: npx corridor run scenarios/middle-corridor-spill.yaml --report
//      && npx corridor explore scenarios/middle-corridor-spill.yaml && npx tsx scripts/screenshot.ts
import path from 'node:path';
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = await browser.newPage({ viewport: { width: 1000, height: 1500 } });
await report.goto(`file://${path.resolve('output/middle-corridor-spill/report.html')}`);
await report.screenshot({ path: 'docs/report.png' });
const explorer = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
await explorer.goto(`file://${path.resolve('output/middle-corridor-spill/explorer.html')}#set=titr_growth%3D0.15&set=projects.kz-container-vessels.remove%3Dtrue`);
await explorer.waitForFunction(() => document.body.dataset.state === 'ok');
await explorer.screenshot({ path: 'docs/explorer.png' });
await browser.close();
console.log('wrote docs/report.png and docs/explorer.png');
