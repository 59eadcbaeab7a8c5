// The browser test of caselink's web interface: playwright-core driving
// Debian's chromium (never a downloaded browser). Run by the Go test
// TestTheWebInterfaceWorksInChromium (internal/web/browser_test.go), which
// builds a linked synthetic data set, starts the server and writes the
// config file named as the one argument. Every page is screenshotted into
// config.screenshots; any script error or policy violation fails the test.
import { readFileSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

// axe-core checks each page for what a screen reader or a keyboard user
// would miss (labels, names, contrast, landmarks). It is evaluated in the
// page by the test (not loaded by the page, whose policy runs only its
// own scripts).
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
rmSync(cfg.screenshots, { recursive: true, force: true }); // this run's only
mkdirSync(cfg.screenshots, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});

const problems = [];
let step = 0;
// expected is a refusal the test asks for: the browser logs it as a failed
// load, which is then no problem.
let expected = null;

function check(ok, what) {
  if (!ok) throw new Error(what);
}

// session opens a fresh browser context (its own cookies) signed in as role.
async function session(role, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`${role}: script error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !(expected && m.text().includes(expected))) {
      problems.push(`${role}: console error on ${page.url()}: ${m.text()}`);
    }
  });
  await page.goto(cfg.base_url + "/");
  check(page.url().includes("/signin"), `${role}: the dashboard without a session did not ask to sign in (${page.url()})`);
  await page.getByLabel("Login", { exact: true }).fill(cfg.logins[role]);
  await page.getByLabel("Password", { exact: true }).fill(cfg.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(cfg.base_url + "/");
  check(await page.getByRole("heading", { level: 1, name: "Dashboard" }).isVisible(), `${role}: no dashboard after signing in`);
  return { context, page };
}

// shot keeps a screenshot of the page and checks it with axe: a serious or
// critical finding fails the test.
async function shot(page, name) {
  step++;
  await page.screenshot({ path: join(cfg.screenshots, `${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
  });
  for (const f of found) problems.push(`${name}: accessibility: ${f}`);
}

async function signOut(s) {
  await s.page.getByRole("button", { name: "Sign out" }).click();
  await s.page.waitForURL(/\/signin$/);
  await s.context.close();
}

async function stateIs(page, want) {
  const got = (await page.locator("#review-state").textContent()).trim();
  check(got === want, `the review is "${got}", want "${want}"`);
}

try {
  // A national reviewer: dashboard, search, profile, a link confirmed.
  const rv = await session("national_reviewer");
  await shot(rv.page, "dashboard");

  await rv.page.getByRole("link", { name: "Search" }).click();
  await rv.page.getByLabel("Name", { exact: true }).fill(cfg.search);
  await rv.page.getByRole("button", { name: "Search" }).click();
  await rv.page.waitForURL(/\/search\?/);
  const found = rv.page.locator(`#people a[href="/people/${cfg.entity}"]`);
  check((await found.count()) > 0, `searching "${cfg.search}" did not find person ${cfg.entity}`);
  await shot(rv.page, "search");

  await found.first().click();
  await rv.page.waitForURL(`${cfg.base_url}/people/${cfg.entity}`);
  const rows = await rv.page.locator("#mentions tbody tr").count();
  check(rows === cfg.records, `the profile shows ${rows} records, want ${cfg.records}`);
  await shot(rv.page, "profile");

  // The keyboard shortcut: s confirms the least certain link.
  await rv.page.locator("body").press("s");
  await rv.page.waitForURL(/judged=same/);
  check(await rv.page.getByText("Your judgement (same) is recorded").isVisible(), "confirming a link said nothing");
  await shot(rv.page, "link-confirmed");

  // The link review queue, and the review queue.
  await rv.page.getByRole("link", { name: "Links" }).click();
  await rv.page.waitForURL(/\/links\/review/);
  await shot(rv.page, "link-review-queue");
  await rv.page.getByRole("link", { name: "Reviews" }).click();
  await rv.page.waitForURL(/\/reviews/);
  await shot(rv.page, "review-queue");

  // The review: taken, its checklist answered, put to the panel.
  await rv.page.goto(`${cfg.base_url}/reviews/${cfg.review}`);
  await stateIs(rv.page, "triaged");
  await shot(rv.page, "review-triaged");
  // Its case, with the victim by pseudonym.
  await rv.page.locator("dl.facts a[href^='/cases/']").first().click();
  await rv.page.waitForURL(/\/cases\//);
  check((await rv.page.locator("#case-people tbody tr").count()) > 0, "the case lists no people");
  await shot(rv.page, "case");
  await rv.page.goBack();
  await rv.page.getByRole("button", { name: "Take into review" }).click();
  await stateIs(rv.page, "under review");
  // Every item answered (the panel takes only a whole checklist), one
  // with a note.
  for (const select of await rv.page.locator('select[id^="answer_"]').all()) {
    await select.selectOption("unknown");
  }
  await rv.page.getByLabel("suspect interviewed", { exact: true }).selectOption("not_done");
  await rv.page.getByLabel("Note on suspect interviewed", { exact: true }).fill("no interview on the file");
  await rv.page.getByLabel("victim account taken", { exact: true }).selectOption("not_done");
  await rv.page.getByRole("button", { name: "Save answers" }).click();
  await stateIs(rv.page, "under review");
  await shot(rv.page, "review-answered");
  await rv.page.getByLabel("Note to the panel", { exact: true }).fill("suspect never interviewed; no account taken");
  await rv.page.getByRole("button", { name: "Put to the panel" }).click();
  await stateIs(rv.page, "at panel");
  await signOut(rv);

  // The panel decides to reinvestigate, with a first action.
  const panel = await session("panel_member");
  await panel.page.goto(`${cfg.base_url}/reviews/${cfg.review}`);
  await panel.page.getByLabel("Decision", { exact: true }).selectOption("reinvestigate");
  await panel.page.getByLabel("Reasons", { exact: true }).fill("lines of enquiry not followed");
  await panel.page.getByLabel("First action (for a reinvestigation)", { exact: true }).fill("interview the suspect");
  await panel.page.locator("#action_due").fill("2027-03-01");
  await shot(panel.page, "review-at-panel");
  await panel.page.getByRole("button", { name: "Record the decision" }).click();
  await stateIs(panel.page, "with force");
  await signOut(panel);

  // The force's supervisor allocates and results the action, and records
  // the outcome.
  const sup = await session("force_supervisor");
  await sup.page.goto(`${cfg.base_url}/reviews/${cfg.review}`);
  await sup.page.getByLabel("Owner", { exact: true }).first().fill("dc-ash");
  await sup.page.getByRole("button", { name: "Allocate" }).click();
  await sup.page.getByLabel("Result", { exact: true }).fill("suspect interviewed under caution");
  await sup.page.getByRole("button", { name: "Record result" }).click();
  await sup.page.getByLabel("Outcome", { exact: true }).selectOption("charge");
  await sup.page.getByLabel("Reasons", { exact: true }).fill("charged after interview");
  await sup.page.getByRole("button", { name: "Record the outcome" }).click();
  await stateIs(sup.page, "concluded");
  await shot(sup.page, "review-concluded");
  await sup.page.getByRole("link", { name: "Actions" }).click();
  await sup.page.waitForURL(/\/actions$/);
  await shot(sup.page, "actions");
  await sup.page.getByRole("link", { name: "Victims" }).click();
  await sup.page.waitForURL(/\/victims$/);
  await shot(sup.page, "victims-updates");
  await signOut(sup);

  // The auditor reads the audit log; the administrator the users.
  const aud = await session("auditor");
  await aud.page.getByRole("link", { name: "Audit" }).click();
  await aud.page.waitForURL(/\/audit$/);
  check((await aud.page.locator("#audit tbody tr").count()) > 0, "the audit viewer shows no entry");
  await shot(aud.page, "audit");
  await signOut(aud);
  const adm = await session("administrator");
  await adm.page.getByRole("link", { name: "Users" }).click();
  await adm.page.waitForURL(/\/users$/);
  check((await adm.page.locator("#users tbody tr").count()) >= 7, "the users page lists fewer than the seven accounts");
  await shot(adm.page, "users");
  await signOut(adm);

  // A force investigator reaching for another force's case learns who
  // holds it, and nothing of it. At tablet width.
  const inv = await session("force_investigator", { width: 820, height: 1180 });
  expected = "status of 403";
  const resp = await inv.page.goto(`${cfg.base_url}/cases/${cfg.other_case}`);
  check(resp.status() === 403, `another force's case answered ${resp.status()}, want 403`);
  const text = await inv.page.locator("main").textContent();
  check(text.includes(cfg.other_force), `the refusal does not name ${cfg.other_force}`);
  check(!text.includes(cfg.other_ref), "the refusal shows the case's reference");
  await shot(inv.page, "other-force-refused");
  expected = null;
  await signOut(inv);

  // The largest group as a network, as the national analyst.
  const an = await session("national_analyst");
  await an.page.getByRole("link", { name: "Groups" }).click();
  await an.page.waitForURL(/\/groups$/);
  await shot(an.page, "groups");
  await an.page.getByRole("link", { name: "Group 1", exact: true }).click();
  await an.page.waitForSelector('#graph[data-ready="true"]');
  const drawn = Number(await an.page.locator("#graph").getAttribute("data-nodes"));
  check(drawn === cfg.group_nodes, `the network of group 1 drew ${drawn} nodes, want ${cfg.group_nodes}`);
  await shot(an.page, "network");
  // A click on a person opens their profile.
  const person = await an.page.evaluate(() => {
    const a = document.querySelector('#net-nodes a[href^="/people/"]');
    return a ? a.getAttribute("href") : null;
  });
  check(person !== null, "the group's network lists no person to open");

  // The nature-and-scale report.
  await an.page.getByRole("link", { name: "Report" }).click();
  await an.page.waitForURL(/\/report\/nature-and-scale$/);
  await shot(an.page, "report");
  check((await an.page.locator("svg").count()) > 0, "the report has no chart");
  await an.page.goBack();
  await signOut(an);
} catch (e) {
  problems.push(e.stack || String(e));
}
await browser.close();
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`ok: ${step} pages screenshotted in ${cfg.screenshots}`);
