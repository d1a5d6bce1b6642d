"""`make security`: pip-audit over the installed packages, and a plain answer on whether it could.

pip-audit asks a vulnerability service about each installed package and version: PyPI's JSON API (its
default) or OSV. Some machines reach a package index but neither service: this one's PyPI answers the
JSON API for a project but 404 for every project *version*, which is what pip-audit asks, and
api.osv.dev does not resolve. pip-audit then skips every package ("not found on PyPI") and still
prints "No known vulnerabilities found" and exits 0. So this runs it with JSON output and counts: when
nothing could be audited it says in capitals that NOTHING WAS AUDITED, instead of passing quietly.

    REQUIRE_PIP_AUDIT=1   fail when nothing could be audited (for a machine that should reach a service)
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404  # runs pip-audit from this virtual environment, never a shell
import sys
from pathlib import Path

PIP_AUDIT = str(Path(sys.executable).parent / "pip-audit")
SERVICES = ("pypi", "osv")


def audit(service: str) -> tuple[list[dict[str, object]], str]:
    command = [PIP_AUDIT, "--vulnerability-service", service, "--skip-editable", "--progress-spinner", "off",
               "--format", "json", "--timeout", "15"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603  # fixed command
    try:
        return json.loads(done.stdout).get("dependencies", []), ""
    except json.JSONDecodeError:
        return [], (done.stderr.strip().splitlines() or ["no output"])[-1]


def main() -> int:
    problems = []
    for service in SERVICES:
        dependencies, failure = audit(service)
        audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
        if not audited:
            problems.append(f"{service}: {failure or f'all {len(dependencies)} packages skipped (not found)'}")
            continue
        vulnerable = [dependency for dependency in audited if dependency.get("vulns")]
        skipped = len(dependencies) - len(audited)
        print(f"pip-audit ({service}): audited {len(audited)} installed packages"
              + (f", {skipped} could not be audited" if skipped else "") + ".")
        for dependency in vulnerable:
            ids = ", ".join(str(vuln.get("id")) for vuln in dependency["vulns"])  # type: ignore[attr-defined]
            print(f"  VULNERABLE: {dependency['name']} {dependency.get('version')}: {ids}")
        if not vulnerable:
            print("  No known vulnerabilities found.")
        return 1 if vulnerable else 0
    print("=" * 78)
    print("pip-audit: NOTHING WAS AUDITED - the installed packages were NOT checked for known vulnerabilities.")
    print("No vulnerability service answered from this machine: " + "; ".join(problems) + ".")
    print("(Here PyPI serves package files but not the per-version JSON that pip-audit asks for, and api.osv.dev "
          "is unreachable.) Run `make security` where either is reachable; REQUIRE_PIP_AUDIT=1 makes this an error.")
    print("=" * 78)
    return 1 if os.environ.get("REQUIRE_PIP_AUDIT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
