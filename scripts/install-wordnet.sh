#!/usr/bin/env bash
# WordNet's database files for the synonym and insertion generators (textloop synth), from
# Debian's `wordnet-base` package (/usr/share/wordnet). Nothing is downloaded from elsewhere.
# Without WordNet, synonym replacement says how to install it, insertion falls back to words
# of other seed texts, and the tests that need it are skipped with a reason.
set -euo pipefail

folder=/usr/share/wordnet
if [[ ! -f "$folder/index.noun" || ! -f "$folder/data.noun" ]]; then
    "$(dirname "$0")/apt-install.sh" --no-recommends "synonym generation" wordnet-base
fi
if [[ -f "$folder/index.noun" ]]; then
    echo "WordNet found in $folder"
else
    echo "No WordNet: elsewhere than Debian, pip install nltk && python -m nltk.downloader wordnet" >&2
fi
