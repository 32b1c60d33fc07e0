"""The page-quality audit: valid HTML5, accessible, usable without JavaScript and on a phone, fast.

Run it with the project's virtualenv from the checkout's root (`make audit` does both steps):

    (cd audit && npm ci --ignore-scripts)
    .venv/bin/python -m audit.run

It seeds the demo community into a temporary instance folder, serves it with gunicorn (2 workers)
on a free port of 127.0.0.1, and checks the public pages (home, a category, a solved thread, a
profile, search, login, register, leaderboard, moderation log, the 404 page) and what a member
(the thread's author), a moderator and an administrator see:

- the Nu Html Checker (`vnu-jar`, run with Java) on every page, in French and in English: no error;
- axe-core in Debian's Chromium (Playwright) at 1280 px, at 375 px, in the dark colour scheme, and
  with the page's scripts blocked where it has any: no violation of impact serious or critical,
  and no colour pair that axe measured below the required contrast but left "to review";
- at 375 px, no page is wider than the screen; with JavaScript off, every page shows its heading
  and the header's search box leads to results; in a plain browser, no console error or warning,
  no failed request, no CSP violation;
- Lighthouse on the seeded solved thread with the most replies (mobile with the default
  throttling, and the desktop preset): performance, accessibility, best practices >= 95, SEO 100.

It prints a summary and writes reports to audit/reports/ (git-ignored): the pages' HTML, vnu.json,
axe/*.json, screenshots, Lighthouse's JSON and HTML reports, summary.txt and summary.json. It exits
1 when a check fails, 2 when it could not run, and stops the server whatever happens. Nothing is
fetched from another host: Chromium resolves no name but the loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import url_for

from app import create_app
from app.demo.seed import ADMIN_USERNAME, DEMO_PASSWORD, MODERATOR_USERNAME
from app.extensions import db
from app.forum.models import Post, Thread
from app.reputation import queries as reputation_queries
from tests import live

AUDIT = Path(__file__).resolve().parent
ROOT = AUDIT.parent
NODE_MODULES = AUDIT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("CHROME_PATH") or "/usr/bin/chromium")

# Lighthouse: the minimum score (0-100) of each category, on the thread page.
LIGHTHOUSE_THRESHOLDS = {"performance": 95, "accessibility": 95, "best-practices": 95, "seo": 100}
# The measurements shown beside the scores.
LIGHTHOUSE_METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "Speed Index": "speed-index",
}
# axe-core: these impacts fail the audit; "moderate" and "minor" ones are reported only.
AXE_FAILING_IMPACTS = ("serious", "critical")
# The pages are checked in each language of the site.
LANGUAGES = ("fr", "en")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# Chromium must never reach another host: every name but the loopback fails to resolve.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--safebrowsing-disable-auto-update",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
# Playwright starts Chromium headless itself; Lighthouse is told to.
LIGHTHOUSE_CHROME_FLAGS = ["--headless=new", *CHROMIUM_FLAGS]


class AuditError(Exception):
    """The audit could not run (a tool missing, the server not starting): exit 2."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Check:
    tool: str
    target: str
    ok: bool
    detail: str = ""


@dataclass
class Results:
    checks: list[Check] = field(default_factory=list)
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    metrics: dict[str, dict[str, str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, tool: str, target: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(tool, target, ok, detail))
        mark = "ok  " if ok else "FAIL"
        print(f"  {mark} {tool:<11} {target:<34} {detail}", flush=True)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


# ---------------------------------------------------------------------------------------------
# The server, and HTTP as a visitor and as a logged-in account

# Variables that would point the app elsewhere than the temporary instance folder.
FOREIGN_SETTINGS = ("DATABASE_URL", "REDIS_URL", "FLASK_APP")


def use_only(instance: Path) -> None:
    """Point this process's environment at the temporary instance folder and nothing else (no
    other database, Redis or settings): the server, the flask commands and the app built here to
    read the database all take it from there."""
    for key in [key for key in os.environ if key.startswith("ENTRAIDE_") or key in FOREIGN_SETTINGS]:
        del os.environ[key]
    os.environ["ENTRAIDE_INSTANCE_PATH"] = str(instance)
    os.environ["PYTHONUNBUFFERED"] = "1"  # the server's log is written as it happens


def serve_demo(instance: Path, log: Path) -> tuple[live.LiveServer, subprocess.Popen]:
    """Migrate and seed the instance, index it for search, then serve it with rate limits off."""
    server = live.prepare(instance, RATELIMIT_ENABLED="false")
    server.flask("seed-demo")
    server.flask("search", "ensure")
    return server, live.serve(server, log=log)


def fetch(browser: live.Browser, path: str, status: int = 200) -> str:
    code, page = browser.request("GET", path)
    if code != status:
        raise AuditError(f"GET {path} answered {code}, not {status}")
    return page


def logged_in(base_url: str, username: str, language: str) -> live.Browser:
    browser = live.Browser(base_url, headers={"Accept-Language": language})
    try:
        browser.log_in(username, DEMO_PASSWORD)
    except AssertionError as error:  # the shared client's way of saying the login was refused
        raise AuditError(str(error)) from None
    # A cookie the jar would not keep (say, one marked Secure, over plain HTTP) leaves a visitor.
    if "/logout" not in fetch(browser, "/"):
        raise AuditError(f"logging in as {username} did not open a session")
    return browser


def playwright_cookies(browser: live.Browser) -> list[dict]:
    return [{"name": cookie.name, "value": cookie.value, "url": browser.base_url} for cookie in browser.cookies]


# ---------------------------------------------------------------------------------------------
# Which pages


@dataclass
class Page:
    name: str  # a short file-name-safe label: "thread", "thread-member", …
    path: str
    account: str | None = None  # None: a visitor; else "member", "moderator" or "admin"
    status: int = 200


def seeded_choices() -> dict[str, str]:
    """Ask the seeded database, through the app, for the solved thread with the most replies (not
    locked: its author's reply form is audited too) and for the top helper; the app's routes give
    the addresses of their pages."""
    app = create_app()
    with app.test_request_context():
        thread = db.session.scalar(
            sa.select(Thread)
            .join(Post, Post.id == Thread.solution_post_id)
            .where(
                Thread.deleted_at.is_(None),
                Thread.locked.is_(False),
                Post.hidden_at.is_(None),
                Post.deleted_at.is_(None),
            )
            .order_by(Thread.reply_count.desc(), Thread.id)
            .limit(1)
        )
        helpers = reputation_queries.top_all_time(limit=1)
        if thread is None or not helpers:
            raise AuditError("no solved thread or no helper: was the demo community seeded?")
        return {
            "author": thread.author.username,
            "category": url_for("forum.category", slug=thread.category.slug),
            "new-thread": url_for("forum.new_thread", slug=thread.category.slug),
            "thread": url_for("forum.thread", thread_id=thread.id, slug=thread.slug),
            "reply": url_for("forum.reply", thread_id=thread.id),
            "profile": url_for("accounts.profile", username=helpers[0][0].username),
        }


def structured_data_types(page: str) -> set[str]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    return {json.loads(script).get("@type") for script in scripts}


def pick_pages(visitor: live.Browser) -> tuple[list[Page], str]:
    """The pages to check, and the thread's author, who will look at the thread as a member.

    The database names the thread and the profile; a visitor must reach them by the site's own
    links: the home page to the thread's category, the category's solved threads to the thread,
    the leaderboard to the profile. The thread's structured data must show it solved."""
    chosen = seeded_choices()
    for page, link in (
        ("/", chosen["category"]),
        (f"{chosen['category']}?solved=yes", chosen["thread"]),
        ("/leaderboard", chosen["profile"]),
    ):
        if f'href="{link}"' not in fetch(visitor, page):
            raise AuditError(f"{page} has no link to {link}")
    if "QAPage" not in structured_data_types(fetch(visitor, chosen["thread"])):
        raise AuditError(f"{chosen['thread']} is solved but its structured data shows no accepted answer")

    thread, category = chosen["thread"], chosen["category"]
    pages = [
        Page("home", "/"),
        Page("category", category),
        Page("thread", thread),
        Page("profile", chosen["profile"]),
        Page("search", "/search?q=thermostat"),
        Page("login", "/login"),
        Page("register", "/register"),
        Page("leaderboard", "/leaderboard"),
        Page("moderation-log", "/moderation/log"),
        Page("not-found", "/t/999999999/nothing-here", status=404),
        Page("thread-member", thread, account="member"),
        Page("reply", chosen["reply"], account="member"),
        Page("new-thread", chosen["new-thread"], account="member"),
        Page("account", "/account", account="member"),
        Page("notifications", "/notifications", account="member"),
        Page("thread-moderator", thread, account="moderator"),
        Page("flag-queue", "/moderation/flags", account="moderator"),
        Page("admin", "/admin", account="admin"),
        Page("admin-users", "/admin/users", account="admin"),
    ]
    return pages, chosen["author"]


# ---------------------------------------------------------------------------------------------
# Nu Html Checker


def run_vnu(pages: list[Page], clients: dict, reports: Path, results: Results) -> None:
    folder = reports / "html"
    folder.mkdir()
    files: dict[str, tuple[str, str]] = {}
    for language in LANGUAGES:
        for page in pages:
            browser = clients[(page.account, language)]
            path = folder / f"{page.name}.{language}.html"
            path.write_text(fetch(browser, page.path, page.status), encoding="utf-8")
            files[path.resolve().as_uri()] = (page.name, language)
    command = [
        "java",
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--errors-only",
        *sorted(str(folder / name) for name in os.listdir(folder)),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    try:
        messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    except (json.JSONDecodeError, KeyError):
        raise AuditError(f"the Nu Html Checker failed:\n{done.stderr[-2000:]}") from None
    (reports / "vnu.json").write_text(json.dumps(messages, indent=2, ensure_ascii=False), encoding="utf-8")

    by_file: dict[str, list[dict]] = {uri: [] for uri in files}
    for message in messages:
        uri = message.get("url", "")
        key = next((known for known in files if _same_file(known, uri)), None)
        if key is None:  # a message about no page (a crash of the checker): count it too
            by_file.setdefault(uri, []).append(message)
        else:
            by_file[key].append(message)
    total = 0
    for uri, found in by_file.items():
        errors = [m for m in found if m.get("type") in ("error", "non-document-error")]
        total += len(errors)
        name, language = files.get(uri, (uri, "?"))
        detail = (
            "no error"
            if not errors
            else f"{len(errors)} error(s): "
            + "; ".join(f"line {m.get('lastLine', '?')}: {m.get('message', '')}" for m in errors[:3])
        )
        results.add("vnu", f"{name} ({language})", not errors, detail)
    results.counts["vnu errors"] = total
    if done.returncode not in (0, 1):
        raise AuditError(f"the Nu Html Checker exited {done.returncode}:\n{done.stderr[-2000:]}")


def _same_file(uri: str, reported: str) -> bool:
    # vnu writes file:/path for file:///path
    return urllib.parse.unquote(uri.replace("file://", "file:")) == urllib.parse.unquote(reported)


# ---------------------------------------------------------------------------------------------
# Browser checks: console, axe-core (light and dark, desktop and phone), phone width, no JavaScript

AXE_MODES = {
    # name: the browser context's options
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "no-js": {"viewport": DESKTOP},  # the page's own scripts blocked; only for pages that have any
}


def run_browser(pages: list[Page], clients: dict, base_url: str, reports: Path, results: Results) -> None:
    from playwright.sync_api import sync_playwright

    folder = reports / "axe"
    folder.mkdir()
    shots = reports / "screenshots"
    shots.mkdir()
    axe_source = AXE_JS.read_text(encoding="utf-8")
    failing = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            contexts = {}
            for account in dict.fromkeys(page.account for page in pages):
                cookies = playwright_cookies(clients[(account, "fr")]) if account else []
                contexts[account] = _contexts(browser, base_url, cookies)
            for page_spec in pages:
                mine = contexts[page_spec.account]
                # 1. In a plain browser, the site's CSP in force: no console error, no failed request.
                _console_check(mine["console"], page_spec, results)
                # 2. Without JavaScript at all, on a phone: the page shows its heading.
                _no_javascript_check(mine["no-javascript"], page_spec, shots, results)
                # 3. axe-core in each mode, and the phone's width.
                has_scripts = False
                for mode in AXE_MODES:
                    if mode == "no-js" and not has_scripts:
                        continue
                    page = mine[mode].new_page()
                    try:
                        page.goto(page_spec.path, wait_until="load")
                        has_scripts = has_scripts or page.locator("script[src]").count() > 0
                        # Evaluated by the driver, so it runs even where the page's scripts do not.
                        page.evaluate("source => (0, eval)(source)", axe_source)
                        report = page.evaluate(
                            """async () => {
                                const result = await axe.run(document, {resultTypes: ["violations", "incomplete"]});
                                return {violations: result.violations, incomplete: result.incomplete};
                            }"""
                        )
                        if mode == "phone":
                            width = page.evaluate("document.documentElement.scrollWidth")
                            results.add(
                                "phone",
                                page_spec.name,
                                width <= PHONE["width"],
                                f"page {width}px wide on a {PHONE['width']}px screen",
                            )
                        if mode in ("desktop", "phone", "dark"):
                            page.screenshot(path=str(shots / f"{page_spec.name}-{mode}.png"))
                    finally:
                        page.close()
                    (folder / f"{page_spec.name}-{mode}.json").write_text(
                        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
                    )
                    failing += _axe_verdict(report, page_spec.name, mode, results)
        finally:
            browser.close()
    results.counts["axe serious/critical"] = failing


def _contexts(browser, base_url: str, cookies: list[dict]) -> dict:
    """One browser context per way of looking at the site, sharing one account's cookies."""
    contexts = {
        "console": browser.new_context(base_url=base_url, locale="fr-FR", viewport=DESKTOP),
        "no-javascript": browser.new_context(
            base_url=base_url,
            locale="fr-FR",
            java_script_enabled=False,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        ),
    }
    for mode, options in AXE_MODES.items():
        # axe is evaluated inline, which the site's Content-Security-Policy (rightly) forbids.
        contexts[mode] = browser.new_context(base_url=base_url, locale="fr-FR", bypass_csp=True, **options)
    contexts["no-js"].route(
        "**/*", lambda route: route.abort() if route.request.resource_type == "script" else route.continue_()
    )
    for context in contexts.values():
        context.add_cookies(cookies)
    return contexts


def _axe_verdict(report: dict, name: str, mode: str, results: Results) -> int:
    """Fail on violations of impact serious or critical, and on colour pairs that axe measured
    below the required contrast but left for review (short text such as a counter "3")."""
    bad = [v for v in report["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]
    minor = [v for v in report["violations"] if v.get("impact") not in AXE_FAILING_IMPACTS]
    low_contrast = []
    for item in report["incomplete"]:
        if item["id"] != "color-contrast":
            continue
        for node in item["nodes"]:
            data = next((check.get("data") or {} for check in node.get("any", []) if check.get("data")), {})
            ratio, expected = data.get("contrastRatio"), str(data.get("expectedContrastRatio", "")).split(":")[0]
            if ratio and expected and data.get("fgColor") and data.get("bgColor") and ratio < float(expected):
                low_contrast.append(f"{node['target'][0]} {data['fgColor']} on {data['bgColor']} = {ratio}:1")
    parts = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×: {v['nodes'][0]['target'][0] if v['nodes'] else ''})"
        for v in bad[:4]
    ]
    if low_contrast:
        parts.append("contrast to review: " + ", ".join(low_contrast[:3]))
    detail = "; ".join(parts) or "no serious or critical violation"
    if minor:
        detail += f"; {len(minor)} moderate/minor: " + ", ".join(v["id"] for v in minor)
    ok = not bad and not low_contrast
    results.add(f"axe {mode}", name, ok, detail)
    return len(bad) + len(low_contrast)


def _console_check(context, page_spec: Page, results: Results) -> None:
    problems: list[str] = []
    page = context.new_page()

    def on_console(message) -> None:
        # An error page's own status is logged as a failed load; that one is expected.
        if page_spec.status != 200 and message.location.get("url", "").endswith(page_spec.path):
            return
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}")
            if response.status >= 400
            and not (response.request.is_navigation_request() and response.status == page_spec.status)
            else None
        ),
    )
    try:
        response = page.goto(page_spec.path, wait_until="load")
        if response is None or response.status != page_spec.status:
            problems.append(f"answered {response.status if response else '?'}, not {page_spec.status}")
        # Chromium asks for the favicon after the load; give it the time to.
        page.wait_for_timeout(250)
    finally:
        page.close()
    results.add("console", page_spec.name, not problems, "; ".join(problems[:3]) or "no error, nothing failed")


def _no_javascript_check(context, page_spec: Page, shots: Path, results: Results) -> None:
    """With JavaScript off, the page shows its one heading; on the home page, the header's search
    box leads to results."""
    page = context.new_page()
    try:
        page.goto(page_spec.path)
        heading = page.locator("main h1")
        ok = heading.count() == 1 and heading.is_visible() and bool(heading.inner_text().strip())
        results.add("no-js", page_spec.name, ok, "heading and content shown" if ok else "no visible <h1> in <main>")
        if page_spec.name == "home":
            page.fill("#site-search-q", "thermostat")
            page.press("#site-search-q", "Enter")
            page.wait_for_load_state()
            found = page.locator(".search-result").count()
            results.add("no-js", "search from the header", found > 0, f"{found} result(s) for “thermostat”")
            page.screenshot(path=str(shots / "search-no-js-phone.png"))
    finally:
        page.close()


# ---------------------------------------------------------------------------------------------
# Lighthouse


def run_lighthouse(url: str, name: str, preset: str, reports: Path, results: Results) -> None:
    output = reports / f"lighthouse-{name}-{preset}"
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        "--quiet",
        "--no-enable-error-reporting",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--chrome-flags=" + " ".join(_quoted(flag) for flag in LIGHTHOUSE_CHROME_FLAGS),
        '--extra-headers={"Accept-Language": "fr-FR,fr;q=0.9"}',
        "--max-wait-for-load=30000",
    ]
    command.append("--form-factor=mobile" if preset == "mobile" else "--preset=desktop")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run(command, env=env, cwd=AUDIT, capture_output=True, text=True, timeout=240)
    report_path = output.with_name(output.name + ".report.json")
    if done.returncode != 0 or not report_path.exists():
        raise AuditError(f"Lighthouse failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise AuditError(f"Lighthouse: {report['runtimeError']}")
    scores = {}
    for category, minimum in LIGHTHOUSE_THRESHOLDS.items():
        raw = report["categories"][category]["score"]
        score = round(raw * 100) if raw is not None else 0
        scores[category] = score
        below = _failed_audits(report, category) if score < 100 else ""
        results.add(
            "lighthouse", f"{name} {preset}: {category}", score >= minimum, f"{score} (minimum {minimum}){below}"
        )
    results.scores[f"{name} ({preset})"] = scores
    results.metrics[f"{name} ({preset})"] = {
        label: report["audits"][audit].get("displayValue", "?") for label, audit in LIGHTHOUSE_METRICS.items()
    }
    for warning in report.get("runWarnings", []):
        print(f"       lighthouse warning: {warning}")


def _quoted(flag: str) -> str:
    """Lighthouse splits --chrome-flags like a shell: a value with spaces goes in quotes
    (`--name="a b"`; a quoted `"--name=a b"` would become the value of the flag before it)."""
    if " " not in flag:
        return flag
    name, value = flag.split("=", 1)
    return f'{name}="{value}"'


def _failed_audits(report: dict, category: str) -> str:
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"].get(ref["id"], {})
        if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
            lost.append(f"{ref['id']} {audit.get('displayValue', '')}".strip())
    return " — " + ", ".join(lost[:6]) if lost else ""


# ---------------------------------------------------------------------------------------------


def check_tools() -> None:
    missing = []
    if shutil.which("java") is None:
        missing.append("java (Debian: default-jre-headless)")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian: chromium)")
    for path in (VNU_JAR, AXE_JS, LIGHTHOUSE):
        if not path.exists():
            missing.append(f"{path.relative_to(ROOT)} (run `npm ci --ignore-scripts` in audit/)")
    if missing:
        raise AuditError("missing: " + ", ".join(missing))


def clear_reports(reports: Path) -> None:
    """Remove what an earlier run wrote there, and only that."""
    reports.mkdir(parents=True, exist_ok=True)
    for entry in reports.iterdir():
        if entry.name in ("html", "axe", "screenshots") and entry.is_dir():
            shutil.rmtree(entry)
        elif entry.name in REPORT_FILES or entry.name.startswith("lighthouse-"):
            entry.unlink()


REPORT_FILES = ("vnu.json", "summary.txt", "summary.json", "server.log")


def summary(results: Results, reports: Path, seconds: float, pages: list[Page]) -> None:
    lines = ["", "Page-quality audit", "=" * 18, ""]
    lines.append("Pages: " + ", ".join(f"{page.name} {page.path}" for page in pages))
    lines.append("")
    by_tool: dict[str, list[Check]] = {}
    for check in results.checks:
        by_tool.setdefault(check.tool.split(" ")[0], []).append(check)
    width = max(len(tool) for tool in by_tool) if by_tool else 10
    lines.append(f"{'check':<{width}}  passed  failed")
    for tool, checks in by_tool.items():
        failed = sum(not c.ok for c in checks)
        lines.append(f"{tool:<{width}}  {len(checks) - failed:>6}  {failed:>6}")
    lines.append("")
    for label, count in results.counts.items():
        lines.append(f"{label}: {count}")
    if results.scores:
        lines.append("")
        header = ["Lighthouse", *LIGHTHOUSE_THRESHOLDS]
        lines.append(" | ".join(f"{cell:<22}" if i == 0 else f"{cell:>14}" for i, cell in enumerate(header)))
        for target, scores in results.scores.items():
            row = [target, *(str(scores[category]) for category in LIGHTHOUSE_THRESHOLDS)]
            lines.append(" | ".join(f"{cell:<22}" if i == 0 else f"{cell:>14}" for i, cell in enumerate(row)))
        minimum = [f"{'minimum':<22}", *(f"{value:>14}" for value in LIGHTHOUSE_THRESHOLDS.values())]
        lines.append(" | ".join(minimum))
        for target, metrics in results.metrics.items():
            lines.append(f"{target}: " + ", ".join(f"{label} {value}" for label, value in metrics.items()))
    lines.append("")
    if results.failed:
        lines.append(f"FAILED: {len(results.failed)} check(s)")
        for check in results.failed:
            lines.append(f"  - {check.tool} {check.target}: {check.detail}")
    else:
        lines.append(f"PASSED: all {len(results.checks)} checks")
    shown = reports.relative_to(ROOT) if reports.is_relative_to(ROOT) else reports
    lines.append(f"{seconds:.0f} s; reports in {shown}/")
    text = "\n".join(lines)
    print(text)
    (reports / "summary.txt").write_text(text + "\n", encoding="utf-8")
    (reports / "summary.json").write_text(
        json.dumps(
            {
                "passed": not results.failed,
                "scores": results.scores,
                "metrics": results.metrics,
                "counts": results.counts,
                "pages": {page.name: page.path for page in pages},
                "checks": [check.__dict__ for check in results.checks],
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=Path, default=AUDIT / "reports", help="where to write the reports")
    parser.add_argument("--skip-lighthouse", action="store_true", help="only the HTML and browser checks")
    parser.add_argument("--keep-instance", action="store_true", help="keep the temporary instance folder")
    options = parser.parse_args(argv)

    # A CI runner's or a shell's SIGTERM goes through the `finally` below, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    reports = options.reports.resolve()
    results = Results()
    process = None
    instance = Path(tempfile.mkdtemp(prefix="entraide-audit-"))
    pages: list[Page] = []
    try:
        check_tools()
        clear_reports(reports)
        use_only(instance)
        print(f"Seeding the demo community into {instance} …", flush=True)
        server, process = serve_demo(instance, reports / "server.log")
        print(f"Serving on {server.url}", flush=True)

        clients: dict[tuple[str | None, str], live.Browser] = {
            (None, language): live.Browser(server.url, headers={"Accept-Language": language}) for language in LANGUAGES
        }
        pages, thread_author = pick_pages(clients[(None, "fr")])
        accounts = {"member": thread_author, "moderator": MODERATOR_USERNAME, "admin": ADMIN_USERNAME}
        for language in LANGUAGES:
            for account, username in accounts.items():
                clients[(account, language)] = logged_in(server.url, username, language)
        print(
            f"Member pages as {thread_author} (the thread's author), "
            f"staff pages as {MODERATOR_USERNAME} and {ADMIN_USERNAME}"
        )

        print("\nNu Html Checker", flush=True)
        run_vnu(pages, clients, reports, results)
        print("\nChromium: console, axe-core, phone width, no JavaScript", flush=True)
        run_browser(pages, clients, server.url, reports, results)
        if not options.skip_lighthouse:
            print("\nLighthouse", flush=True)
            thread = next(page for page in pages if page.name == "thread")
            for preset in ("mobile", "desktop"):
                run_lighthouse(server.url + thread.path, "thread", preset, reports, results)
    except subprocess.CalledProcessError as error:
        print(
            f"\nThe audit could not run: `{' '.join(error.cmd[2:])}` failed:\n{error.stdout[-2000:]}"
            f"{error.stderr[-2000:]}",
            file=sys.stderr,
        )
        return 2
    except (AuditError, live.ServerDidNotStart) as error:
        print(f"\nThe audit could not run: {error}", file=sys.stderr)
        return 2
    finally:
        if process is not None:
            live.stop(process)
        if options.keep_instance:
            print(f"Instance kept in {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)
    summary(results, reports, time.monotonic() - started, pages)
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
