"""The written documentation holds together: every relative link and anchor in README.md, docs/ and the
experiments' NOTES.md resolves; every likelihood plugin has its NOTES.md, listed in the physics index; nothing in
the project refers to a document outside the repository."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from globalfit import likelihood as registry

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "likelihoods").glob("*/NOTES.md"))]


def _anchors(md: Path) -> set[str]:
    """GitHub-style heading anchors of a Markdown file."""
    out = set()
    for line in md.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return out


def test_every_relative_link_and_anchor_resolves():
    bad = []
    for md in DOCS:
        for m in re.finditer(r"\]\(([^)#\s]+)?(#[^)\s]+)?\)", md.read_text(encoding="utf-8")):
            path, anchor = m.group(1), m.group(2)
            if path and re.match(r"[a-z]+://", path):
                continue
            target = (md.parent / path).resolve() if path else md
            if not target.exists():
                bad.append(f"{md.relative_to(ROOT)}: {path} does not exist")
            elif anchor and target.suffix == ".md" and anchor[1:] not in _anchors(target):
                bad.append(f"{md.relative_to(ROOT)}: {path or ''}{anchor} has no such heading")
    assert not bad, bad


def test_every_builtin_experiment_has_its_notes_in_the_index():
    index = (ROOT / "docs" / "physics" / "README.md").read_text(encoding="utf-8")
    for name, cls in registry.plugins().items():
        if not cls.__module__.startswith("likelihoods."):
            continue  # registered by a test
        assert (ROOT / "likelihoods" / name / "NOTES.md").is_file(), name
        assert f"likelihoods/{name}/NOTES.md" in index, name


def test_nothing_refers_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    offenders = []
    for f in files:
        if Path(f).suffix not in (".py", ".md", ".yaml", ".txt", ".toml") or f == "tests/test_docs.py":
            continue
        text = (ROOT / f).read_text(encoding="utf-8", errors="replace")
        for pattern in (r"\bSPEC\b(?!IAL)", r"\.\./shared", r"shared/SPEC", r"DESIGN\.md"):
            if re.search(pattern, text):
                offenders.append(f"{f}: {pattern}")
    assert not offenders, offenders
