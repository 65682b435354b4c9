"""The deploy workflow's notify job: after a successful deploy, least privilege, secrets only in the
step that sends, the record restored before and saved after. Each check also runs on broken copies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workflow_checks as wc

NOTIFY = ".venv/bin/python -m hooks.status_engine notify site --record .cache/notify/notified.json"
SECRETS = ("STATUS_WEBHOOK_URL", "STATUS_SLACK_WEBHOOK_URL", "STATUS_DISCORD_WEBHOOK_URL")
RECORD_DIR = ".cache/notify"


def notify_problems(path: Path) -> list[str]:
    wf = wc.load(path)
    job = wf["jobs"].get("notify")
    if job is None:
        return ["no notify job"]
    bad = []
    needs = job.get("needs", [])
    if "deploy" not in ([needs] if isinstance(needs, str) else needs):
        bad.append("job notify does not need job deploy")
    if job.get("if") or job.get("continue-on-error"):
        bad.append("job notify must run only after a successful deploy, with no condition")
    perms = job.get("permissions")
    if not isinstance(perms, dict) or set(perms.items()) - {("contents", "read")}:
        bad.append(f"job notify may hold at most contents: read, not {perms!r}")
    steps = job.get("steps", [])
    order = {
        "download": wc.step_index(steps, lambda s: wc.uses("actions/download-artifact")(s)
                                  and (s.get("with") or {}).get("name") == "github-pages"),
        "restore": wc.step_index(steps, lambda s: wc.uses("actions/cache/restore")(s)
                                 and (s.get("with") or {}).get("path") == RECORD_DIR),
        "notify": wc.step_index(steps, wc.runs(NOTIFY)),
        "save": wc.step_index(steps, lambda s: wc.uses("actions/cache/save")(s)
                              and (s.get("with") or {}).get("path") == RECORD_DIR),
    }
    missing = [name for name, i in order.items() if i is None]
    if missing:
        return [*bad, f"job notify lacks these steps: {missing}"]
    if list(order.values()) != sorted(order.values()):
        bad.append(f"job notify runs its steps out of order: {order}")
    env = steps[order["notify"]].get("env") or {}
    for name in SECRETS:
        if env.get(name) != f"${{{{ secrets.{name} }}}}":
            bad.append(f"the notify step does not get {name} from the secret of that name")
    return bad


def secret_problems(path: Path) -> list[str]:
    """The webhook secrets appear in the notify step's env and nowhere else in the file, and the
    notify job reads no other secret (the Cloudflare job's own are checked in workflow_checks)."""
    text = path.read_text(encoding="utf-8")
    wf = wc.load(path)
    job = wf["jobs"].get("notify", {})
    step = next((s for s in job.get("steps", []) if wc.runs(NOTIFY)(s)), {})
    env = " ".join(str(v) for v in (step.get("env") or {}).values())
    webhook = re.compile(r"secrets\.STATUS_\w*WEBHOOK\w*")
    bad = []
    if len(webhook.findall(text)) != len(webhook.findall(env)):
        bad.append(f"{len(webhook.findall(text)) - len(webhook.findall(env))} webhook secret "
                   "reference(s) outside the notify step's env")
    if str(job).count("secrets.") != env.count("secrets."):
        bad.append("the notify job reads a secret outside its send step's env")
    return bad


CHECKS = [notify_problems, secret_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_the_notify_job_follows_the_rules(check):
    assert check(wc.DEPLOY) == []


def _text() -> str:
    return wc.DEPLOY.read_text(encoding="utf-8")


def _job_text() -> str:
    return _text()[_text().index("  notify:\n"):]


BREAKAGES = [
    ("    needs: deploy\n", "    needs: build\n", notify_problems),
    ("    needs: deploy\n", "    needs: deploy\n    if: always()\n", notify_problems),
    ("      contents: read # check out the repository for the notifier's code; nothing else\n",
     "      contents: read # check out\n      issues: write\n", notify_problems),
    ("          name: github-pages\n          path: deployed\n",
     "          name: site\n          path: deployed\n", notify_problems),
    ("          STATUS_SLACK_WEBHOOK_URL: ${{ secrets.STATUS_SLACK_WEBHOOK_URL }}\n", "",
     notify_problems),
    # A secret handed to the whole job (every step, third-party actions included).
    ("    timeout-minutes: 5\n",
     "    timeout-minutes: 5\n    env:\n      HOOK: ${{ secrets.STATUS_WEBHOOK_URL }}\n",
     secret_problems),
    ("--record .cache/notify/notified.json", "", notify_problems),
    ("actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1",
     "actions/download-artifact@v8", wc.pin_problems),
    ("actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1",
     "actions/download-artifact@v8", wc.zizmor_problems),
    ("    timeout-minutes: 5\n", "", wc.timeout_problems),
    ("    needs: deploy\n", "    needs: deploi\n", wc.actionlint_problems),
]


@pytest.mark.parametrize(("old", "new", "check"), BREAKAGES,
                         ids=[f"{b[2].__name__}-{i}" for i, b in enumerate(BREAKAGES)])
def test_each_check_catches_a_broken_notify_job(tmp_path: Path, old, new, check):
    text, job = _text(), _job_text()
    assert old in job, "the breakage no longer applies to the notify job: update BREAKAGES"
    broken = tmp_path / "deploy.yml"
    broken.write_text(text.replace(job, job.replace(old, new, 1)), encoding="utf-8")
    assert check(broken) != [], f"{check.__name__} did not notice {old!r} -> {new!r}"
