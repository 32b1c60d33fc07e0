"""The soak's short form: a few seconds of members and visitors under each fault, then nothing lost."""

import os
import re
import subprocess
import sys

import pytest

from tests.live import PROJECT_ROOT

pytestmark = pytest.mark.slow

# Eight seconds leave room for two kills and a read-only window; about 45 s per database in all.
SHORT = ["--duration", "8", "--clients", "8", "--posts", "300", "--kill-every", "3", "--read-only-for", "4"]
# The read-only fault is the Whoosh index's: PostgreSQL keeps its search in the database.
FAULTS = {"sqlite": ["none", "kill", "readonly"], "postgres": ["none", "kill"]}


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_short_soak_under_faults_answers_no_5xx_and_loses_no_write(database):
    command = [sys.executable, "-P", "bench/soak.py", "--database", database, *SHORT]
    command += ["--faults", ",".join(FAULTS[database])]
    if database == "postgres":
        server_url = os.environ.get("ENTRAIDE_TEST_POSTGRES")
        if not server_url:
            pytest.skip("ENTRAIDE_TEST_POSTGRES is not set")
        command += ["--database-url", server_url]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-3000:]}"
    for fault in FAULTS[database]:
        assert re.search(rf"^- {database}, {fault}: 0 answers 5xx, 0 lost writes,", done.stdout, re.M), done.stdout
