#!/usr/bin/env python3
"""Checks that nothing measured was lost when the README's results moved to docs/ (issue 24).

Every line of the old README (git show REV:README.md; default b2cdae0, the last long README) that
holds a number is looked for, whitespace-normalised, in the new README.md and docs/*.md. Prints
the lines not found and exits 1 if there are any.

    scripts/check-readme-move.py [REV]
"""
import glob, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rev = sys.argv[1] if len(sys.argv) > 1 else "b2cdae0"
old = subprocess.run(["git", "-C", root, "show", rev + ":README.md"], capture_output=True, text=True, check=True).stdout
norm = lambda s: re.sub(r"\s+", " ", s).strip().lstrip("#").strip()
pages = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
text = norm("\n".join(open(p, encoding="utf-8").read() for p in pages))
# a link to the README's own anchors or to docs/ is rewritten when moved into docs/: compare without link targets
unlink = lambda s: re.sub(r"\]\([^)]*\)", "]", s)
text_u = unlink(text)
numbered = [l for l in old.split("\n") if re.search(r"\d", l) and norm(l)]
missing = [l for l in numbered if norm(l) not in text and unlink(norm(l)) not in text_u]
for l in missing:
    print("missing:", l[:160])
print(f"{len(numbered)} lines with numbers in the old README, {len(numbered) - len(missing)} found in README.md + docs/*.md, {len(missing)} missing")
sys.exit(1 if missing else 0)
