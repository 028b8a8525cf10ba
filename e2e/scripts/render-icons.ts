/**
 * Renders the web app's SVG icons to the PNG sizes a web app manifest needs for installing on
 * Android (192 and 512 px, plain and maskable), with the same Chromium the browser tests use.
 * The PNGs are committed in apps/web/public; run this again after changing an SVG:
 *   pnpm --filter @pigeon/e2e icons
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PUBLIC = fileURLToPath(new URL('../../apps/web/public/', import.meta.url));
const SIZES = [192, 512];
const SOURCES = [
  { svg: 'favicon.svg', name: 'icon' },
  { svg: 'icon-maskable.svg', name: 'icon-maskable' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const { svg, name } of SOURCES) {
    const source = await readFile(`${PUBLIC}${svg}`, 'utf8');
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${source}`,
      );
      await writeFile(`${PUBLIC}${name}-${size}.png`, await page.screenshot({ omitBackground: true }));
      await page.close();
    }
  }
} finally {
  await browser.close();
}
