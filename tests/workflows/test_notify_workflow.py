"""The deploy workflow's notify job: after a successful deploy, least privilege, secrets only in the
step that sends, the record restored before and saved after, and the snapshot the live site showed
(kept by the build job right after its restore step) passed as --previous. Each check also runs on
broken copies.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import workflow_checks as wc

PREVIOUS = "restored/status.json"
NOTIFY = (".venv/bin/python -m hooks.status_engine notify site --previous restored/status.json "
          "--record .cache/notify/notified.json")
SNAPSHOT = ".cache/status/last-known-good.json"  # where the restore step leaves it
ARTIFACT = "restored-status"
SECRETS = ("STATUS_WEBHOOK_URL", "STATUS_SLACK_WEBHOOK_URL", "STATUS_DISCORD_WEBHOOK_URL")
RECORD_DIR = ".cache/notify"


def notify_problems(path: Path) -> list[str]:
    wf = wc.load(path)
    job = wf["jobs"].get("notify")
    if job is None:
        return ["no notify job"]
    bad = []
    if not wc.needs(job, "deploy"):
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
        "previous": wc.step_index(steps, lambda s: wc.uses("actions/download-artifact")(s)
                                  and (s.get("with") or {}).get("name") == ARTIFACT
                                  and (s.get("with") or {}).get("path") == "restored"),
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


def keep_step(path: Path) -> dict | None:
    """The build job's step that copies the restored snapshot aside."""
    found = [s for s in wc.steps(path, "build") if SNAPSHOT in str(s.get("run", ""))]
    return found[0] if len(found) == 1 else None


def previous_problems(path: Path) -> list[str]:
    """The build job keeps the snapshot restored from the live site, after the restore step and
    before the build overwrites it, and uploads it (only once verified) for the notify job."""
    build = wc.steps(path, "build")
    keep = keep_step(path)
    upload = [s for s in build if wc.uses("actions/upload-artifact")(s)
              and (s.get("with") or {}).get("name") == ARTIFACT]
    if keep is None or len(upload) != 1:
        return [f"job build must have one step copying {SNAPSHOT} and one uploading {ARTIFACT}"]
    order = [wc.step_index(build, wc.runs_containing(wc.RESTORE)), build.index(keep),
             wc.step_index(build, wc.runs(wc.readme_commands()[0])),
             wc.step_index(build, wc.runs(wc.VERIFY)), build.index(upload[0])]
    bad = []
    if None in order or order != sorted(order):
        bad.append(f"job build must go restore, keep, build, verify, upload {ARTIFACT}: {order}")
    if any("if" in s or s.get("continue-on-error") for s in (keep, upload[0])):
        bad.append(f"keeping and uploading {ARTIFACT} must be unconditional")
    if f"cp {SNAPSHOT} {PREVIOUS}" not in keep["run"]:
        bad.append(f"the keep step must copy {SNAPSHOT} to {PREVIOUS}")
    if (upload[0].get("with") or {}).get("path") != PREVIOUS:
        bad.append(f"the {ARTIFACT} upload must hold {PREVIOUS}")
    return bad


CHECKS = [notify_problems, secret_problems, previous_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_the_notify_job_follows_the_rules(check):
    assert check(wc.DEPLOY) == []


def run_keep_step(tmp: Path) -> dict:
    """Run the keep step's script in `tmp` as the runner would; the kept document."""
    done = subprocess.run(["bash", "-e", "-c", keep_step(wc.DEPLOY)["run"]], cwd=tmp,
                          capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads((tmp / PREVIOUS).read_text())


def test_the_keep_step_copies_the_restored_snapshot(tmp_path: Path):
    (tmp_path / ".cache/status").mkdir(parents=True)
    snapshot = {"verdict": "operational", "freshness": "live", "checked_at": "2026-11-29T18:43Z"}
    (tmp_path / SNAPSHOT).write_text(json.dumps(snapshot))
    assert run_keep_step(tmp_path) == snapshot


def test_without_a_restored_snapshot_the_kept_one_is_empty(tmp_path: Path):
    # Still a file, so the artifact exists and its download in the notify job cannot fail.
    assert run_keep_step(tmp_path) == {}


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
    (" --previous restored/status.json", "", notify_problems),
    ("          name: restored-status\n          path: restored\n",
     "          name: restored-status\n          path: previous\n", notify_problems),
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


# Breakages of the build job's part: the snapshot kept and uploaded for the notify job.
BUILD_BREAKAGES = [
    # A skipped keep step: an empty artifact would fail the notify job's download.
    ("      - name: Keep the restored snapshot for the notify job\n",
     "      - name: Keep the restored snapshot for the notify job\n"
     "        if: github.event_name == 'push'\n",
     previous_problems),
    ("            cp .cache/status/last-known-good.json restored/status.json\n",
     "            cp site/status.json restored/status.json\n", previous_problems),
    ("          name: restored-status\n          path: restored/status.json\n",
     "          name: restored-status\n          path: restored/\n", previous_problems),
    ("          name: restored-status\n          path: restored/status.json\n",
     "          name: restored\n          path: restored/status.json\n", previous_problems),
    ("actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0",
     "actions/upload-artifact@v7", wc.pin_problems),
]


def test_each_check_catches_a_broken_keep_step(tmp_path: Path):
    text = _text()
    build = text[:text.index("  deploy:\n")]
    # Moved after the build it would keep the new snapshot: never a change. The order rule sees it.
    keep = build[build.index("      # What the live site was showing"):
                 build.index("      - name: Build\n")]
    moved = build.replace(keep, "").replace("      - name: Verify the built site\n",
                                            keep + "      - name: Verify the built site\n")
    broken = tmp_path / "deploy.yml"
    broken.write_text(text.replace(build, moved), encoding="utf-8")
    assert previous_problems(broken) != []
    for old, new, check in BUILD_BREAKAGES:
        assert old in build, f"the breakage {old!r} no longer applies to the build job"
        broken.write_text(text.replace(build, build.replace(old, new, 1)), encoding="utf-8")
        assert check(broken) != [], f"{check.__name__} did not notice {old!r} -> {new!r}"


def test_the_readme_gives_the_command_ci_runs():
    readme = (wc.ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{NOTIFY}`" in readme and f"`{ARTIFACT}`" in readme and f"`{SNAPSHOT}`" in readme
