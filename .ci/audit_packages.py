"""The pinned packages against the known vulnerabilities of PyPI's database, with pip-audit.

Fails when a pinned version has a known vulnerability. Where the database cannot be reached (no
network, or an index mirror that does not serve it, so that no package could be looked up), says
so and passes: the check is skipped, not failed."""

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> int:
    audit = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "-r", "requirements.txt", "-f", "json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(audit.stdout)
    except json.JSONDecodeError:
        last_line = (audit.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit skipped: its vulnerability database could not be reached ({last_line[:200]})")
        return 0
    packages = report["dependencies"]
    audited = [package for package in packages if "skip_reason" not in package]
    if not audited:
        print(f"pip-audit skipped: none of the {len(packages)} pinned packages could be looked up in its database")
        return 0
    vulnerable = [package for package in audited if package.get("vulns")]
    for package in vulnerable:
        for vulnerability in package["vulns"]:
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            print(f"{package['name']} {package['version']}: {vulnerability['id']} (fixed in {fixed})")
    skipped = len(packages) - len(audited)
    print(
        f"pip-audit: {len(vulnerable)} vulnerable of {len(audited)} pinned packages looked up"
        + (f" ({skipped} not found in the database)" if skipped else "")
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
