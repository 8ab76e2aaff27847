"""The shipped data files are the ones whose provenance data/README.md records."""
import hashlib
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def test_checksums_match_the_readme():
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", (DATA / "README.md").read_text(), flags=re.M)
    assert {name for _, name in listed} == {p.name for p in DATA.iterdir() if p.name != "README.md"}
    for digest, name in listed:
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
