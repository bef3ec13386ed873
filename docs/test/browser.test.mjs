// The built site in a real browser (Debian's Chromium through playwright-core), served by the
// docs' own static server on loopback. Every page: no console error, no failed request, and no
// request leaving the machine (anything not to the local server is aborted and reported).
// A screenshot of each page goes to test-results/screenshots/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";
import { redocLabels } from "../scripts/redoc-labels.mjs";
import { errataPath, guidePages, guidePath, locales } from "../scripts/site.mjs";
import { serveStatic } from "../scripts/static-server.mjs";
import { connectChromium } from "./global-setup.mjs";
import { distDir, loadSpec, operations, resultsDir, watchPage } from "./helpers.mjs";

const screenshots = join(resultsDir, "screenshots");
let server;
let browser;
let context;
let page;
let problems;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await serveStatic(distDir, { port: 0 });
  browser = await connectChromium(inject);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Only the local server, and URLs the page makes itself (data:, blob:), may be loaded.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    problems.push(`request leaving the machine: ${url}`);
    return route.abort();
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The pages the running test opened itself (see open), closed when it ends. */
const opened = new Set();

/** Open a page of the site and collect everything that goes wrong while it is open. */
async function open(path) {
  problems = [];
  page = await context.newPage();
  opened.add(page);
  watchPage(page, problems);
  await page.goto(new URL(path, server.url).toString(), { waitUntil: "load" });
  return page;
}

/**
 * A page of the site, loaded once (a load of an API reference costs seconds of CPU, of the other
 * pages a fraction of one) and shared by the tests that only read it or restore what they change
 * (the search tests close the dialog they open, which forgets its query; the phone-width test gives
 * the page its width back); the labels test, which expands every section, opens its own. A path
 * with a route (`en/index.html#/bec/reinstallvminstance`) is the reference's one page, gone to that
 * route as a reader's click goes (Redoc routes on the hash); without one, the page at whatever
 * route the last test left. A test's `problems` are all those of the page since it loaded. A test
 * that fails (or times out, or leaves a problem, or leaves the page for another file, as a followed
 * link does) discards the page: the next test loads it again, so no test sees what another left.
 */
const sharedPages = new Map();
/** The shared pages the running test uses: their files, pages and problems. */
const borrowed = [];

async function sharedPage(path) {
  const [file, route] = path.split("#");
  if (!sharedPages.has(file)) {
    const loading = (async () => {
      const seen = [];
      const shared = await context.newPage();
      watchPage(shared, seen);
      try {
        await shared.goto(new URL(file, server.url).toString(), { waitUntil: "load" });
      } catch (error) {
        await shared.close();
        throw error;
      }
      return { page: shared, problems: seen };
    })();
    sharedPages.set(file, loading);
    loading.catch(() => sharedPages.get(file) === loading && sharedPages.delete(file));
  }
  ({ page, problems } = await sharedPages.get(file));
  borrowed.push({ file, page, problems });
  if (route !== undefined) await navigate(`#${route}`);
  return page;
}

async function discardShared(file) {
  const loading = sharedPages.get(file);
  sharedPages.delete(file);
  await (await loading?.catch(() => undefined))?.page.close();
}

afterEach(async ({ task }) => {
  for (const p of opened) await p.close();
  opened.clear();
  for (const { file, page: shared, problems: seen } of borrowed)
    if (
      task.result?.state !== "pass" ||
      seen.length ||
      shared.url().split("#")[0] !== new URL(file, server.url).toString()
    )
      await discardShared(file);
  borrowed.length = 0;
  page = undefined;
});

/**
 * The HTTP status of a local URL, requested once for the whole file: the built site does not change
 * while the tests run, and every page links the same pages (the two references among them, megabytes
 * each), which each test requested again.
 */
const statuses = new Map();
function statusOf(url) {
  if (!statuses.has(url))
    statuses.set(
      url,
      context.request.get(url).then(async (response) => {
        const status = response.status();
        await response.dispose();
        return status;
      }),
    );
  return statuses.get(url);
}

/**
 * Go to another part of the open reference as a reader's click does: Redoc routes on the hash,
 * without loading the page again. (A link followed from elsewhere loads the page with its hash:
 * the security-details test opens an operation that way, and the language link lands so.)
 * A route of the reference (`#/bec/reinstallvminstance`, `#/bcc`, `#/schemas`) is waited for until
 * Redoc shows it: its own section is there (an operation's or a schema's) and no other group's page
 * is left. Redoc commits a route some time after the hash changes (seconds on a busy machine), and
 * the page it leaves has the same buttons and labels as the one it goes to.
 */
async function navigate(hash) {
  await page.evaluate((to) => {
    location.hash = to;
  }, hash);
  if (!hash.startsWith("#/")) return;
  const route = hash.slice(1);
  const group = route.split("/").slice(0, 2).join("/");
  await page.waitForFunction(
    ([route, group]) => {
      const ids = [...document.querySelectorAll("[data-section-id]")].map((el) => el.getAttribute("data-section-id"));
      // A group's section ("/bcc") is always there; the page shows its items' ("/bcc/rebuildinstance").
      const items = ids.filter((id) => id.split("/").length > 2);
      return (
        items.length > 0 && items.every((id) => id.startsWith(`${group}/`)) && (route === group || ids.includes(route))
      );
    },
    [route, group],
    { timeout: 30_000 },
  );
}

const shoot = (name) => page.screenshot({ path: join(screenshots, `${name}.png`) });

describe.each(locales)("API reference, $code", (locale) => {
  const spec = loadSpec(locale.code);
  const slug = (text) => text.toLowerCase();
  const search = locale.code === "en" ? "reinstall" : "重装";

  test("loads cleanly, with both operations and every named schema", async () => {
    await sharedPage(`${locale.code}/index.html`);
    await page.getByText(spec.info.title).first().waitFor({ timeout: 30_000 });
    await shoot(locale.code);
    // Each operation has its own page, titled with its summary in this language.
    for (const [, , op] of operations(spec)) {
      await navigate(`#/${slug(op.tags[0])}/${slug(op.operationId)}`);
      await page.getByRole("heading", { name: op.summary }).first().waitFor({ timeout: 30_000 });
    }
    // The schemas group lists every named schema (components/schemas) in the sidebar.
    await navigate(`#/${slug(locale.schemasTag)}`);
    for (const name of Object.keys(spec.components.schemas))
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  });

  // Redoc made one up from the properties: keepImageLogin: true beside an adminPass, "string" passwords.
  test("a request schema's sample on the schemas page is its operation's seed example", async () => {
    await sharedPage(`${locale.code}/index.html`);
    await page.getByText(spec.info.title).first().waitFor({ timeout: 30_000 });
    for (const [, , op] of operations(spec)) {
      const media = op.requestBody.content["application/json"];
      const name = media.schema.$ref.split("/").pop();
      // The example from the seed page is named seedExample in every operation's request body.
      const seed = media.examples?.seedExample;
      expect(seed?.$ref, `${op.operationId}: no request example named seedExample`).toBeTypeOf("string");
      const example = spec.components.examples[seed.$ref.split("/").pop()].value;
      await navigate(`#/${slug(locale.schemasTag)}/${slug(name)}`);
      const sample = page.locator("pre").filter({ hasText: `"imageId": "${example.imageId}"` });
      await sample.first().waitFor({ timeout: 30_000 });
      expect(await sample.first().textContent()).not.toContain('"string"');
    }
    expect(problems).toEqual([]);
  });

  test(`the search box finds "${search}"`, async () => {
    await sharedPage(`${locale.code}/index.html`);
    await page.getByText(spec.info.title).first().waitFor();
    expect(await page.locator("input[placeholder]").count()).toBe(0); // no search dialog open
    const noResults = redocLabels[locale.code]?.exact["No results"] ?? "No results";
    // The panel once it shows either a hit or "No results": before the query has run it shows the
    // message for an empty query, which is neither.
    const results = async (query, hit) => {
      await page.keyboard.press("Control+k");
      const input = page.locator("input[placeholder]").first();
      await input.fill(query);
      // The results list ends with the keyboard help ("Esc to exit"); read the panel around it.
      const panel = () =>
        input.evaluate((el) => {
          let node = el;
          while (node && !/Esc/.test(node.innerText ?? "")) node = node.parentElement;
          return node?.innerText ?? "";
        });
      await expect
        .poll(
          async () => {
            const text = await panel();
            return text.includes(hit) || text.includes(noResults);
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      const text = await panel();
      await page.keyboard.press("Escape");
      await input.waitFor({ state: "detached", timeout: 30_000 }); // closed, and its query with it
      return text;
    };
    const [[, , bec], [, , bcc]] = [
      operations(spec).find(([, , op]) => op.tags[0] === "BEC"),
      operations(spec).find(([, , op]) => op.tags[0] === "BCC"),
    ];
    const found = await results(search, bec.summary);
    expect(found).toContain(bec.summary);
    if (locale.code === "zh-CN") expect(found).toContain(bcc.summary); // "重装实例" is Baidu's Chinese name for the BCC rebuild
    const none = await results("qqzzxxnotaword", bec.summary);
    expect(none).toContain(noResults);
    expect(none).not.toContain(bec.summary);
    expect(problems).toEqual([]);
  });

  test("shows the description of a property that may take several forms (Redoc shows only a branch's)", async () => {
    // BCC's adminPass: its description (the password rules) sits beside anyOf [ciphertext, "", null].
    const [, , bcc] = operations(spec).find(([, , op]) => op.tags[0] === "BCC");
    const adminPass = spec.components.schemas.RebuildInstanceRequest.properties.adminPass;
    expect(adminPass.anyOf).toBeDefined();
    // A stretch of its text without Markdown, as the page shows it.
    const words = adminPass.description.match(/[^`*_[\]()\n]{12,}/)[0].trim();
    await sharedPage(`${locale.code}/index.html#/${slug(bcc.tags[0])}/${slug(bcc.operationId)}`);
    await page.getByText(words).first().waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  });

  test("shows the description of a property whose schema takes several forms (an open enum it refers to)", async () => {
    // BceErrorBody's code: its description sits beside a $ref to BceErrorCode, an anyOf.
    const code = spec.components.schemas.BceErrorBody.properties.code;
    expect(spec.components.schemas[code.$ref.split("/").pop()].anyOf).toBeDefined();
    // The longest stretch of its text outside inline code, as the page shows it.
    const [words] = code.description
      .split(/`[^`]*`/)
      .map((part) => part.replace(/[*_[\]()\n]/g, "").trim())
      .sort((a, b) => b.length - a.length);
    expect(words.length).toBeGreaterThan(3);
    await sharedPage(`${locale.code}/index.html#/${slug(locale.schemasTag)}/bceerrorbody`);
    await page.getByText(words).first().waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  });

  test("names the branches of KeyConfig's if/then/else by the type each is for, not case 1 and case 2", async () => {
    const keyConfig = spec.components.schemas.KeyConfig;
    const { const: chosen } = keyConfig.if.properties.type;
    const other = keyConfig.properties.type.enum.filter((v) => v !== chosen);
    expect(other).toHaveLength(1);
    await sharedPage(`${locale.code}/index.html#/${slug(locale.schemasTag)}/keyconfig`);
    const main = page.locator(".api-content");
    for (const name of [`type: ${chosen}`, `type: ${other[0]}`])
      await main.getByRole("tab", { name, exact: true }).first().waitFor({ timeout: 30_000 });
    expect(await main.getByText(/^(?:case|情形) \d$/).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  test("links the spec's mentions of the seed errata to their entries on this language's errata page", async () => {
    const [, , bcc] = operations(spec).find(([, , op]) => op.tags[0] === "BCC");
    await sharedPage(`${locale.code}/index.html#/${slug(bcc.tags[0])}/${slug(bcc.operationId)}`);
    const links = page.locator("a", { hasText: locale.errataMention });
    const errataPage = new URL(errataPath(locale.code), server.url).toString();
    // The operation's mentions (isOpenHostEye's default, the instance id's pattern) link their
    // entries, once the page has rendered them; the header's link and the introduction's open the
    // page's top.
    const hrefs = () => links.evaluateAll((as) => [...new Set(as.map((a) => a.href))]);
    await expect
      .poll(async () => (await hrefs()).map((href) => new URL(href).hash), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(["", "#bcc-defaults", "#both-path-ids"]));
    const entries = (await hrefs()).filter((href) => href !== errataPage).map((href) => new URL(href));
    expect(await statusOf(errataPage)).toBe(200);
    const response = await context.request.get(errataPage);
    const html = await response.text();
    await response.dispose();
    for (const url of entries) {
      expect(url.toString().replace(url.hash, "")).toBe(errataPage);
      expect(html, url.hash).toContain(`id="${url.hash.slice(1)}"`);
    }
    expect(problems).toEqual([]);
  });

  test("ends the signing scheme's description with a link to this language's authentication guide", async () => {
    // The description is shown in an operation's security details dialog, closed again afterwards.
    await sharedPage(`${locale.code}/index.html#/bec/reinstallvminstance`);
    const label = redocLabels[locale.code]?.exact["View security details"] ?? "View security details";
    const view = page.getByText(wholeText(label)).first();
    await view.waitFor({ timeout: 30_000 });
    await view.click();
    const { titles } = guidePages.find((g) => g.slug === "authentication");
    // The guide's long title: the header's link to it carries the short one.
    const link = page.locator("a", { hasText: titles[locale.code] });
    await link.first().waitFor({ timeout: 30_000 });
    const hrefs = await link.evaluateAll((as) => [...new Set(as.map((a) => a.href))]);
    await page.keyboard.press("Escape");
    await link.first().waitFor({ state: "hidden", timeout: 30_000 });
    const guide = new URL(guidePath(locale.code, "authentication"), server.url).toString();
    expect(hrefs).toEqual([guide]);
    expect(await statusOf(guide)).toBe(200);
    expect(problems).toEqual([]);
  });

  test("the page's copy button copies the operation as Markdown, introduced in the reference's language", async () => {
    await sharedPage(`${locale.code}/index.html#/bec/reinstallvminstance`);
    // What the button's clipboard library copies: the selection when it runs execCommand("copy").
    // The shared page gets its own execCommand back afterwards.
    await page.evaluate(() => {
      window.copied = [];
      const execCommand = document.execCommand;
      window.restoreExecCommand = () => {
        document.execCommand = execCommand;
      };
      document.execCommand = function (command, ...rest) {
        if (command !== "copy") return execCommand.call(this, command, ...rest);
        window.copied.push(String(window.getSelection()));
        return true;
      };
    });
    let copied;
    try {
      // The operation's own button (the BEC section above it has one too).
      await page
        .locator('[data-section-id="/bec/reinstallvminstance"] [data-testid="page-actions"] button')
        .first()
        .click({ timeout: 30_000 });
      await page.waitForFunction(() => window.copied.length > 0, null, { timeout: 30_000 });
      copied = await page.evaluate(() => window.copied[0]);
    } finally {
      await page.evaluate(() => window.restoreExecCommand());
    }
    expect(copied).toContain("/v1/vm/instance/{vmID}/system/reinstall:");
    const intro = copied.split("```")[0];
    if (locale.code === "en")
      expect(intro).toContain(
        "This is a subset of the full specification, limited to the PUT /v1/vm/instance/{vmID}/system/reinstall operation.",
      );
    else {
      expect(intro).toContain("以下是完整规范的一部分");
      expect(intro).toContain("PUT /v1/vm/instance/{vmID}/system/reinstall 操作");
      expect(intro).not.toMatch(/\b(?:This|subset|specification|limited|operation)\b/);
    }
    expect(problems).toEqual([]);
  });

  test("renders the TypeScript and curl code samples, and the seed's request as the JSON payload", async () => {
    const payload = redocLabels[locale.code]?.exact.Payload ?? "Payload";
    await sharedPage(`${locale.code}/index.html#/bec/reinstallvminstance`);
    const picker = page.locator(".panel-request-samples button[aria-haspopup=menu]", {
      hasText: new RegExp(`^(TypeScript|curl|${payload})$`),
    });
    const choose = async (language, shows) => {
      if ((await picker.textContent()) !== language) {
        await picker.click();
        await page
          .locator("[role=menuitem]", { hasText: new RegExp(`^${language}$`) })
          .first()
          .click();
      }
      await page.getByText(shows).first().waitFor();
    };
    await choose("TypeScript", "createBecClient");
    await shoot(`${locale.code}-typescript-sample`);
    await choose("curl", "curl -X PUT");
    await choose(payload, '"imageType"'); // a JSON key, quoted: only the payload has it so
    await choose("TypeScript", "createBecClient"); // leave the remembered choice as it was
    expect(problems).toEqual([]);
  });
});

/**
 * The text nodes a reader sees as Redoc's interface on the open page: not code, a property's name,
 * a value in a table, or the site's own header. Type lines (Redoc's <em> beside a name) apart.
 */
const interfaceText = () =>
  page.evaluate(() => {
    const labels = [];
    const types = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      const el = node.parentElement;
      if (!text || el.closest("pre,code,script,style,td,.schema-name,header.site-nav")) continue;
      if (el.tagName === "EM" && !el.closest("p,li,blockquote")) types.push(text);
      else labels.push(text);
    }
    const names = [...document.querySelectorAll("[aria-label]")]
      .filter((el) => !el.closest("header.site-nav"))
      .map((el) => el.getAttribute("aria-label"));
    return { labels, types, names };
  });

/** Matches an element whose text is exactly `text` (its heading's link icon has no text). */
const wholeText = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

describe.each(locales.filter((l) => redocLabels[l.code]))("Redoc's own labels, $code", (locale) => {
  const { exact, ariaLabels, patterns } = redocLabels[locale.code];
  const rules = patterns.map(([re, to]) => [new RegExp(re), to]);
  /** The translation of one of Redoc's English labels; undefined for any other text. */
  const translate = (text) => {
    if (Object.hasOwn(exact, text)) return exact[text];
    const rule = rules.find(([re]) => re.test(text));
    // A captured part that is a label is translated too ("link to Request").
    const part = (p) => (Object.hasOwn(exact, p) ? exact[p] : p);
    return rule && text.replace(rule[0], (...m) => rule[1].replace(/\$(\d)/g, (_, n) => part(m[n])));
  };
  const english = locales.find((l) => l.code === "en");

  /**
   * The interface text of both operations and a schema in language `l`, every section expanded
   * ("Expand all" clicked, so that the button's label has changed once as well). `awaited`: per
   * route, labels to wait for (up to 30 s) before the read counts, for a page that renders slowly;
   * `expandOn`: per route, whether to wait (up to 30 s) for an "Expand all" button to click, as the
   * English read found one there (a button not rendered yet, or not yet translated, was skipped, and
   * the sections it hides were read closed).
   */
  async function read(l, awaited = [], expandOn = []) {
    const spec = loadSpec(l.code);
    const titles = [
      ...operations(spec).map(([, , op]) => [
        `#/${op.tags[0].toLowerCase()}/${op.operationId.toLowerCase()}`,
        op.summary,
      ]),
      [`#/${l.schemasTag.toLowerCase()}/vminstancedetailsvo`, "VmInstanceDetailsVo"],
    ];
    const expandAll = l.code === "en" ? "Expand all" : exact["Expand all"];
    const collapseAll = l.code === "en" ? "Collapse all" : exact["Collapse all"];
    const found = { labels: new Set(), types: new Set(), names: new Set(), byRoute: [], expanded: [] };
    await open(`${l.code}/index.html${titles[0][0]}`);
    for (const [i, [route, title]] of titles.entries()) {
      await navigate(route);
      await page
        .locator("h1, h2", { hasText: wholeText(title) })
        .first()
        .waitFor({ timeout: 30_000 });
      // The route's own buttons (a schema's neighbours on the page have them too), by either name:
      // the translator may not have renamed it yet.
      const section = page.locator(`[data-section-id="${route.slice(1)}"]`);
      const expand = section.getByRole("button", { name: new RegExp(`^(?:Expand all|${expandAll})$`) }).first();
      if (expandOn[i]) await expand.waitFor({ timeout: 30_000 });
      found.expanded.push((await expand.count()) > 0);
      if (found.expanded[i]) {
        // A click Redoc's re-render swallowed (a busy machine) is made again, for up to a minute.
        const collapse = section.getByRole("button", { name: collapseAll, exact: true }).first();
        for (const end = Date.now() + 60_000; ; ) {
          await expand.click({ timeout: 10_000 }).catch(() => {});
          try {
            await collapse.waitFor({ timeout: 10_000 });
            break;
          } catch (error) {
            if (Date.now() >= end) throw error;
          }
        }
      }
      // Redoc renders a schema's branches after the section: read once two reads, apart, agree
      // and show what is awaited (on a busy machine, Redoc can take longer than half a second
      // between renders). Past 30 s, the read as it is: the assertions say what is missing.
      // A branch rendered after the click can come in collapsed: what is awaited and still missing
      // after 5 s is asked for again with one more "expand all".
      const want = awaited[i] ?? [];
      let before;
      let text;
      let expandAgainAt = Date.now() + 5_000;
      for (const end = Date.now() + 30_000; Date.now() < end; await page.waitForTimeout(500)) {
        before = text;
        text = JSON.stringify(await interfaceText());
        const complete = want.every((label) => JSON.parse(text).labels.includes(label));
        if (text === before && complete) break;
        if (!complete && found.expanded[i] && Date.now() >= expandAgainAt) {
          // A try, not a must: a button Redoc is rendering again (a busy machine) is tried at the
          // next turn, and what is still missing at 30 s the assertions name.
          await expand.click({ timeout: 2_000 }).catch(() => {});
          expandAgainAt = Date.now() + 5_000;
        }
      }
      const { labels, types, names } = JSON.parse(text);
      found.byRoute.push(labels);
      for (const t of labels) found.labels.add(t);
      for (const t of types) found.types.add(t);
      for (const t of names) found.names.add(t);
    }
    expect(problems).toEqual([]);
    opened.delete(page);
    await page.close();
    page = undefined;
    return found;
  }

  test("every label Redoc shows in English is shown translated, and none is left in English", async () => {
    const en = await read(english);
    const shown = [...en.labels].filter((t) => translate(t) !== undefined);
    // Redoc still shows the labels the dictionary knows (a newer Redoc may rename them).
    for (const label of [
      "Request",
      "Responses",
      "Path",
      "Query",
      "Headers",
      "Body",
      "required",
      "Example",
      "Collapse all",
    ])
      expect(shown).toContain(label);
    expect(shown.some((t) => /^Show \d+ propert/.test(t))).toBe(true);
    expect([...en.types].some((t) => / or |non-empty|characters/.test(t))).toBe(true);

    const zh = await read(
      locale,
      en.byRoute.map((labels) => labels.filter((t) => translate(t) !== undefined).map(translate)),
      en.expanded,
    );
    for (const label of shown) expect([...zh.labels], label).toContain(translate(label));
    expect([...zh.labels].filter((t) => translate(t) !== undefined)).toEqual([]);
    // A label's colon that Redoc writes apart ("Example", ":") is full-width too.
    expect([...en.labels]).toContain(":");
    expect([...zh.labels]).not.toContain(":");
    // Nothing else shaped like an English label either (names and values are not in these nodes).
    expect([...zh.labels].filter((t) => /^[A-Z][a-z]+(?: [a-z]+)*:?$/.test(t))).toEqual([]);
    expect([...zh.types].filter((t) => /\b(?:or|non-empty|characters|items|Array of)\b/.test(t))).toEqual([]);
    // The controls' accessible names (what a screen reader says) too.
    const named = [...en.names].filter((t) => translate(t) !== undefined || Object.hasOwn(ariaLabels, t));
    expect(named).toContain("Copy");
    expect(named.some((t) => t.startsWith("link to "))).toBe(true);
    // (A section's link, "link to <its title>", names a title that differs between the languages.)
    for (const name of named.filter((t) => !t.startsWith("link to ")))
      expect([...zh.names], name).toContain(translate(name) ?? ariaLabels[name]);
    expect([...zh.names].some((t) => t.startsWith(translate("link to x").slice(0, -1)))).toBe(true);
    // A section that is one of Redoc's labels is named in the page's language: "链接到 请求".
    expect(named).toContain("link to Request");
    expect([...zh.names]).toContain(translate("link to Request"));
    expect(translate("link to Request")).toBe(`${translate("link to x").slice(0, -1)}${exact.Request}`);
    expect([...zh.names].filter((t) => translate(t) !== undefined || Object.hasOwn(ariaLabels, t))).toEqual([]);
  });

  test("the English reference keeps Redoc's English labels", async () => {
    await sharedPage("en/index.html#/bec/reinstallvminstance");
    await page
      .locator("h4", { hasText: wholeText("Request") })
      .first()
      .waitFor({ timeout: 30_000 });
    expect((await interfaceText()).labels).not.toContain(exact.Request);
    expect(problems).toEqual([]);
  });

  test("the page for a route the reference lacks, and the phone menu's close button, speak its language too", async () => {
    // What a reader meets at a stale link: Redoc's "not found" page.
    await open(`${locale.code}/index.html#/nowhere/at-all`);
    await page.getByText(exact["Back to docs"]).first().waitFor({ timeout: 30_000 });
    const text = await page.locator("body").innerText();
    for (const label of ["No page at this address", "There's no page at", "It may have been moved or deleted."]) {
      expect(text).toContain(exact[label]);
      expect(text).not.toContain(label);
    }
    expect(text).not.toContain("Back to docs");
    // At a phone's width, the menu Redoc opens has a close button, named in this language.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(new URL(`${locale.code}/index.html#/bec/reinstallvminstance`, server.url).toString());
    await page.getByRole("button", { name: ariaLabels["Open navigation menu"] }).click({ timeout: 30_000 });
    await page.getByRole("button", { name: ariaLabels["Close navigation menu"] }).waitFor({ timeout: 30_000 });
    const names = await page.$$eval("[aria-label]", (els) => els.map((e) => e.getAttribute("aria-label")));
    expect(names.filter((n) => Object.hasOwn(ariaLabels, n) || Object.hasOwn(exact, n))).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("the search dialog speaks the reference's language too", async () => {
    // Its texts as Redoc renders them: the placeholder, the message before a query, the keys' help.
    const dialog = async (l) => {
      await sharedPage(`${l.code}/index.html`);
      await page.getByText(loadSpec(l.code).info.title).first().waitFor({ timeout: 30_000 });
      expect(await page.locator("input[placeholder]").count()).toBe(0); // no search dialog open
      await page.keyboard.press("Control+k");
      const input = page.locator("input[placeholder]").first();
      await input.waitFor({ timeout: 30_000 });
      // The dialog: the input's nearest ancestor that holds the Cancel button too (its text
      // content, with what a wide window hides: that button).
      const panel = () =>
        input.evaluate((el) => {
          let node = el;
          while (node && !node.querySelector?.('[data-translation-key="search.cancel"]')) node = node.parentElement;
          return node?.textContent ?? "";
        });
      await expect.poll(panel, { timeout: 30_000 }).toMatch(/Esc/);
      const before = { placeholder: await input.getAttribute("placeholder"), text: await panel() };
      await input.fill("qqzzxxnotaword");
      // Once the query has run: "No results" in either language (which one is asserted below).
      await expect.poll(panel, { timeout: 30_000 }).toMatch(new RegExp(`No results|${exact["No results"]}`));
      const after = await panel();
      // A query that finds a schema and a field of one.
      await input.fill("adminPass");
      await expect.poll(panel, { timeout: 30_000 }).toMatch(/adminPass[\s\S]*adminPass/);
      const hits = await panel();
      await page.keyboard.press("Escape");
      await input.waitFor({ state: "detached", timeout: 30_000 }); // closed, and its query with it
      expect(problems).toEqual([]);
      return { ...before, after, hits };
    };
    const en = await dialog(english);
    const words = ["Search endpoints, schemas, and more...", "to navigate", "to select", "to exit", "Cancel"];
    // Redoc still says what the dictionary knows.
    expect(en.placeholder).toBe("Search docs...");
    for (const word of words) expect(en.text).toContain(word);
    expect(en.after).toContain("No results");

    const zh = await dialog(locale);
    expect(zh.placeholder).toBe(ariaLabels["Search docs..."]);
    for (const word of words) {
      expect(zh.text).toContain(exact[word]);
      expect(zh.text).not.toContain(word);
    }
    expect(zh.after).toContain(exact["No results"]);
    expect(zh.after).not.toContain("No results");
    // A hit's kind ("SCHEMA", "schema fields", "request fields") too.
    expect(en.hits).toContain("schema fields");
    expect(en.hits).toContain("request fields");
    expect(zh.hits).toContain(exact["schema fields"]);
    expect(zh.hits).toContain(exact["request fields"]);
    expect(zh.hits).not.toMatch(/schema/i);
    expect(zh.hits).not.toMatch(/\b(?:request|response|fields|examples|parameters)\b/);
  });

  test("a response sample with no body says so in the reference's language", async () => {
    // BCC's 200 has no body: Redoc writes "No content" as a line of the sample, as code.
    const line = (text) => page.locator(".th-line", { hasText: wholeText(text) });
    await sharedPage("en/index.html#/bcc/rebuildinstance");
    await line("No content").first().waitFor({ timeout: 30_000 });
    await sharedPage(`${locale.code}/index.html#/bcc/rebuildinstance`);
    await line(exact["No content"]).first().waitFor({ timeout: 30_000 });
    expect(await line("No content").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  test("the security details dialog and the sample picker's tooltips speak the reference's language too", async () => {
    // On the shared reference: the dialog and the menu are closed again (checked), the page left as it was.
    const shown = async (l, button) => {
      await sharedPage(`${l.code}/index.html#/bec/reinstallvminstance`);
      const view = page.getByText(wholeText(button)).first();
      await view.waitFor({ timeout: 30_000 });
      await view.click();
      // The dialog's label in either language (whether it is translated is asserted below). Waiting
      // for the label itself, not for a word the page may show already (the x-bce-date parameter's
      // description names Authorization), so the page is read only once the dialog is open.
      const label = page.getByText(new RegExp(`Header parameter name:|${exact["Header parameter name:"]}`)).first();
      await label.waitFor({ timeout: 30_000 });
      const text = await page.innerText("body");
      await page.keyboard.press("Escape");
      await label.waitFor({ state: "hidden", timeout: 30_000 });
      // The request sample picker's menu: each choice has a tooltip (its title).
      const picker = page.locator(".panel-request-samples button[aria-haspopup=menu]", {
        hasText: /^(TypeScript|curl)$/,
      });
      const chosen = await picker.textContent();
      await picker.click();
      await page
        .locator("[role=menuitem]", { hasText: /^curl$/ })
        .first()
        .waitFor({ timeout: 30_000 });
      const titles = await page.$$eval("[role=menuitem] [title]", (els) => els.map((el) => el.getAttribute("title")));
      // Escape leaves the menu open: it is closed by choosing what was chosen.
      await page.locator("[role=menuitem]:visible", { hasText: wholeText(chosen) }).click();
      await expect.poll(() => page.locator("[role=menuitem]:visible").count(), { timeout: 30_000 }).toBe(0);
      expect(problems).toEqual([]);
      return { text, titles };
    };
    const en = await shown(english, "View security details");
    expect(en.text).toContain("Header parameter name:");
    expect(en.titles).toContain("Payload");
    const zh = await shown(locale, exact["View security details"]);
    expect(zh.text).toContain(exact["Header parameter name:"]);
    expect(zh.text).not.toContain("parameter name");
    expect(zh.titles).toContain(exact.Payload);
    expect(zh.titles).not.toContain("Payload");
  });
});

describe("site pages", () => {
  // Every guide in every language (screenshots: guide-<slug> in English, guide-<slug>.<code> otherwise).
  const guides = locales.flatMap((locale) =>
    guidePages.map((g) => [
      `guide-${g.slug}${locale.code === "en" ? "" : `.${locale.code}`}`,
      guidePath(locale.code, g.slug),
      locale.code,
      g,
    ]),
  );
  const pages = [
    ["landing", "index.html"],
    ...guides.map(([name, path]) => [name, path]),
    ["seed-errata", "seed-errata.html"],
    ["seed-errata.zh-CN", "zh-CN/seed-errata.html"],
  ];

  test.each(pages)("%s loads cleanly and its links resolve", async (name, path) => {
    await sharedPage(path);
    await page.locator("h1").first().waitFor();
    // Every local link points at a file the site has.
    const hrefs = await page.$$eval("a[href]", (as) =>
      as.map((a) => a.href).filter((h) => h.startsWith(location.origin)),
    );
    for (const href of new Set(hrefs.map((h) => h.split("#")[0]))) {
      expect(await statusOf(href), href).toBe(200);
    }
    // No link to another site ran on into the text after its URL (a full-width bracket, which the
    // link then carries percent-encoded): the sources cited are ASCII URLs.
    const external = await page.$$eval("a[href^=http]", (as) => as.map((a) => a.getAttribute("href")));
    for (const href of external)
      expect(href, "a link that ran into the text after it").not.toMatch(/%[89a-f][0-9a-f]/i);
    // It says it has no icon: a browser does not ask for /favicon.ico (a 404 in the console).
    expect(await page.locator('head link[rel="icon"]').getAttribute("href")).toBe("data:,");
    await shoot(name);
    expect(problems).toEqual([]);
  });

  test.each(["en/index.html", "zh-CN/index.html"])("the reference %s says it has no icon either", async (path) => {
    await sharedPage(path);
    expect(await page.locator('head link[rel="icon"]').getAttribute("href")).toBe("data:,");
    expect(problems).toEqual([]);
  });

  test.each(pages)("%s fits a phone's width (375 px): nothing scrolls the page sideways", async (_, path) => {
    await sharedPage(path);
    const width = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      await page.locator("h1").first().waitFor();
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(scroll, `${path}: ${scroll} px of content in ${client} px`).toBeLessThanOrEqual(client);
    } finally {
      await page.setViewportSize(width);
    }
    expect(problems).toEqual([]);
  });

  test.each(guides)("%s links its other-language versions, and is in its language", async (_, path, code, guide) => {
    await sharedPage(path);
    await page.locator("h1").first().waitFor();
    expect(await page.getAttribute("html", "lang")).toBe(code);
    const absolute = (p) => new URL(p, server.url).toString();
    const switcher = await page.$$eval("a[hreflang]", (as) => as.map((a) => [a.hreflang, a.href]));
    const alternates = await page.$$eval("link[rel=alternate][hreflang]", (ls) => ls.map((l) => [l.hreflang, l.href]));
    const others = locales.filter((l) => l.code !== code).map((l) => [l.code, absolute(guidePath(l.code, guide.slug))]);
    expect(switcher).toEqual(others);
    expect(alternates).toEqual(others);
    for (const [, href] of others) expect(await statusOf(href), href).toBe(200);
    // The header links the guides in the page's own language.
    const nav = await page.$$eval("header a", (as) => as.map((a) => a.href));
    for (const g of guidePages) expect(nav).toContain(absolute(guidePath(code, g.slug)));
    expect(problems).toEqual([]);
  });

  test.each(locales)(
    "the $code API reference links home, its guides, the errata and the other language",
    async (locale) => {
      await sharedPage(`${locale.code}/index.html`);
      await page.locator("h1").first().waitFor();
      const absolute = (p) => new URL(p, server.url).toString();
      const nav = await page.$$eval("header.site-nav a", (as) => as.map((a) => a.href));
      expect(nav).toContain(absolute("index.html"));
      for (const g of guidePages) expect(nav).toContain(absolute(guidePath(locale.code, g.slug)));
      expect(nav).toContain(absolute(locale.code === "en" ? "seed-errata.html" : `${locale.code}/seed-errata.html`));
      const others = locales.filter((l) => l !== locale).map((l) => [l.code, absolute(`${l.code}/index.html`)]);
      const alternates = await page.$$eval("link[rel=alternate][hreflang]", (ls) =>
        ls.map((l) => [l.hreflang, l.href]),
      );
      expect(alternates).toEqual(others);
      const switcher = await page.$$eval("header.site-nav a[hreflang]", (as) => as.map((a) => [a.hreflang, a.href]));
      expect(switcher).toEqual(others);
      for (const href of new Set(nav)) expect(await statusOf(href), href).toBe(200);
      // The site's title in the page's language: its bundle of the spec's info.title.
      expect(await page.textContent("header.site-nav a.home")).toBe(loadSpec(locale.code).info.title);
      expect(await page.getAttribute("header.site-nav a.home", "lang")).toBeNull();
      expect(problems).toEqual([]);
    },
  );

  test.each(locales)(
    "the $code API reference's own links stay on the page (hash routes, not root paths)",
    async (locale) => {
      // From another route: the click below must change it.
      await sharedPage(`${locale.code}/index.html#/bec/reinstallvminstance`);
      await page.locator("h1").first().waitFor();
      const link = page.locator('a[href="#/bcc"]').first();
      await link.waitFor();
      // No link to a root path such as /bec: opened in a new tab, it would leave the site.
      const rooted = await page.$$eval("a[href]", (as) =>
        as.map((a) => a.getAttribute("href")).filter((h) => h.startsWith("/") && !h.startsWith("//")),
      );
      expect(rooted).toEqual([]);
      // Nor in the page as served, before its scripts run (or without them).
      const served = await (await fetch(new URL(`${locale.code}/index.html`, server.url))).text();
      expect(served.match(/ href="\/(?!\/)[^"]*"/g)).toBeNull();
      expect(served).toContain(' href="#/bcc"');
      // Opened by itself (a new tab), the link's URL is this page at that route.
      const href = await link.evaluate((a) => a.href);
      expect(href).toBe(new URL(`${locale.code}/index.html#/bcc`, server.url).toString());
      expect(await statusOf(href.split("#")[0])).toBe(200);
      // Clicked, it still routes inside the page.
      await link.click();
      await page.waitForFunction(() => location.hash === "#/bcc");
      expect(problems).toEqual([]);
    },
  );

  // The other language's link in the header lands on the same operation or schema, both ways:
  // from this language's operation to the other's, then from the other's schema back to this
  // language's (the other language's test takes the opposite ways). A schema's route names the
  // schemas group in the page's language ("schemas", "数据结构").
  test.each(locales)("the $code API reference's language link keeps the reader's place", async (locale) => {
    const other = locales.find((l) => l !== locale);
    const otherSpec = loadSpec(other.code);
    const rebuild = (doc) => operations(doc).find(([, , o]) => o.operationId === "rebuildInstance")[2];
    const op = rebuild(otherSpec);
    const route = `#/${op.tags[0].toLowerCase()}/${op.operationId.toLowerCase()}`;
    await sharedPage(`${locale.code}/index.html${route}`);
    await page
      .getByRole("heading", { name: rebuild(loadSpec(locale.code)).summary })
      .first()
      .waitFor({ timeout: 30_000 });
    // The link names the other language, after this one's label, as the guides' links do.
    const link = page.locator(`header.site-nav a[hreflang="${other.code}"]`);
    expect(await link.textContent()).toBe(other.heading);
    expect(await page.locator("header.site-nav").innerText()).toContain(`${locale.translationsLabel}${other.heading}`);
    await link.click();
    await page.waitForURL((url) => url.pathname.endsWith(`/${other.code}/index.html`));
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(route);
    await page.getByRole("heading", { name: op.summary }).first().waitFor({ timeout: 30_000 });

    // A schema, from the other language back: its route here is under this language's schemas tag.
    const schema = "RebuildInstanceRequest".toLowerCase();
    await navigate(`#/${other.schemasTag.toLowerCase()}/${schema}`);
    await page.getByText("RebuildInstanceRequest", { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.locator(`header.site-nav a[hreflang="${locale.code}"]`).click();
    await page.waitForURL((url) => url.pathname.endsWith(`/${locale.code}/index.html`));
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/${locale.schemasTag.toLowerCase()}/${schema}`);
    await page.getByText("RebuildInstanceRequest", { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(await page.locator("body").innerText()).not.toMatch(/No page at this address|此地址没有页面/);
    expect(problems).toEqual([]);
  });

  // An errata entry has one id in every language: the other language's link lands on the same one.
  test.each(locales)("the $code errata's language link keeps the reader's entry", async (locale) => {
    const other = locales.find((l) => l !== locale);
    const path = (code) => (code === "en" ? "seed-errata.html" : `${code}/seed-errata.html`);
    await sharedPage(`${path(locale.code)}#bec-key-config`);
    await page.locator("h1").first().waitFor();
    await page.locator(`p.translations a[hreflang="${other.code}"]`).click();
    await page.waitForURL((url) => url.pathname.endsWith(`/${path(other.code)}`));
    expect(new URL(page.url()).hash).toBe("#bec-key-config");
    expect(await page.locator("#bec-key-config").count()).toBe(1);
    expect(problems).toEqual([]);
  });

  test("the landing page links both languages and both APIs", async () => {
    await sharedPage("index.html");
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
    for (const locale of locales) {
      expect(hrefs).toContain(`${locale.code}/index.html`);
      expect(hrefs).toContain(`${locale.code}/index.html#/bec`);
      expect(hrefs).toContain(`${locale.code}/index.html#/bcc`);
    }
    expect(hrefs).toContain("seed-errata.html");
    expect(hrefs).toContain("zh-CN/seed-errata.html");
    // Each language's column links that language's guides, with their titles in that language.
    for (const locale of locales) {
      const links = await page
        .locator(`section[lang=${locale.code}] a`)
        .evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
      for (const g of guidePages) expect(links).toContainEqual([guidePath(locale.code, g.slug), g.titles[locale.code]]);
    }
    const chinese = await page.locator("section[lang=zh-CN]").innerText();
    expect(chinese).toMatch(/接口参考/);
    // Everything the Chinese column links is in Chinese, the seed errata included.
    expect(chinese).not.toMatch(/英文/);
    expect(chinese).toMatch(/文档勘误/);
    expect(problems).toEqual([]);
  });
});
