#!/usr/bin/env bash
# Collect the latest grade report of every student's repository of a class,
# for `cargo xtask gradebook`. Needs the GitHub CLI (`gh`), logged in with
# access to the class's organisation (`gh auth login`).
#
#   teachers/collect-reports.sh ORG PREFIX [FOLDER]
#
# ORG is the classroom's organisation; PREFIX starts the name of every
# student repository of the assignment (GitHub Classroom names them
# `<assignment>-<student>`); FOLDER (default: reports) receives one folder per
# repository, each with the `grade-report.json` that the workflow
# `grade-on-push.yml` (installed as .github/workflows/grade.yml) kept.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 ORG PREFIX [FOLDER]" >&2
    exit 2
fi
org=$1
prefix=$2
out=${3:-reports}
command -v gh >/dev/null || {
    echo "error: the GitHub CLI (gh) is not installed: https://cli.github.com" >&2
    exit 1
}

mkdir -p "$out"
found=0
collected=0
for repo in $(gh repo list "$org" --limit 1000 --json name --jq '.[].name' | grep "^$prefix" || true); do
    found=$((found + 1))
    run=$(gh run list --repo "$org/$repo" --workflow grade.yml --limit 1 \
        --json databaseId --jq '.[0].databaseId')
    if [ -z "$run" ] || [ "$run" = null ]; then
        echo "$repo: no grading run yet"
        continue
    fi
    rm -rf "${out:?}/$repo"
    if gh run download "$run" --repo "$org/$repo" --name grade-report --dir "$out/$repo"; then
        collected=$((collected + 1))
    else
        echo "$repo: its run $run kept no grade report"
    fi
done

echo "collect-reports: $collected report(s) of $found repositor(y/ies) named $prefix* in $out"
echo "next: cargo xtask gradebook $out/*/grade-report.json --csv class.csv --html class.html"
