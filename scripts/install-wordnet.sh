#!/usr/bin/env bash
# WordNet's database files for the synonym and insertion generators (textloop synth), from
# Debian's `wordnet-base` package (/usr/share/wordnet). Nothing is downloaded from elsewhere.
# Without WordNet, synonym replacement says how to install it, insertion falls back to words
# of other seed texts, and the tests that need it are skipped with a reason.
set -euo pipefail

folder=/usr/share/wordnet
if [[ -f "$folder/index.noun" && -f "$folder/data.noun" ]]; then
    echo "WordNet found in $folder"
    exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
    runner=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then runner=(sudo); else
            echo "WordNet is missing: run 'sudo apt-get install wordnet-base' (synonym generation is unavailable until then)" >&2
            exit 0
        fi
    fi
    echo "installing Debian's wordnet-base for synonym generation"
    "${runner[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends wordnet-base
    exit 0
fi

echo "No WordNet and no apt-get: pip install nltk && python -m nltk.downloader wordnet (synonym generation is unavailable until then)" >&2
