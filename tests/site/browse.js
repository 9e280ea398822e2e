// Opens each page given on the command line in headless Chromium (puppeteer-core from Ace's
// install), at a phone and a desktop width: a screenshot of each, the page's width against the
// window (no sideways scrolling), and axe-core's accessibility findings. Prints one JSON line.
// usage: node browse.js PUPPETEER_CORE_DIR AXE_JS CHROMIUM OUT_DIR PAGE...
const [puppeteerDir, axePath, chromium, outDir, ...pages] = process.argv.slice(2);
const puppeteer = require(puppeteerDir);
const fs = require("fs");
const path = require("path");
const axeSource = fs.readFileSync(axePath, "utf8");
const WIDTHS = { phone: [390, 844], desktop: [1280, 900] };

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const results = [];
  try {
    for (const file of pages) {
      for (const [label, [width, height]] of Object.entries(WIDTHS)) {
        const page = await browser.newPage();
        const requests = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.setViewport({ width, height, deviceScaleFactor: 1, isMobile: label === "phone" });
        await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
        const shot = path.join(outDir, path.basename(path.dirname(file)) + "-" +
          path.basename(file, ".html") + "-" + label + ".png");
        await page.screenshot({ path: shot, fullPage: true });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        await page.evaluate(axeSource);
        const axe = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ["violations"] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
        });
        results.push({ file, label, width, scrollWidth, shot, axe,
          remote: requests.filter((u) => !u.startsWith("file://")) });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
