#!/usr/bin/env bash
# git-lfs for `textloop publish ... --to git+...`: data files go to a git repository through
# Git LFS. Uses Debian's `git-lfs` package when `git lfs` is not found; running it again
# changes nothing. Without it, publishing to git says how to install it, and the tests that
# need it are skipped with a reason that points here.
set -euo pipefail

if ! git lfs version >/dev/null 2>&1; then
    "$(dirname "$0")/apt-install.sh" --no-recommends "publishing to git repositories" git-lfs
fi
if git lfs version >/dev/null 2>&1; then
    echo "git-lfs found: $(git lfs version)"
else
    echo "No git-lfs: install it (https://git-lfs.com) to publish to git repositories" >&2
fi
