#!/usr/bin/env bash
# Write file.gz beside every stylesheet, script, SVG and icon in training_mgr/static, for WhiteNoise to serve to
# browsers that accept gzip (core/static.py). Run after changing one of them; tests/test_static.py checks they match.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../training_mgr/static"
find . -type f \( -name '*.css' -o -name '*.js' -o -name '*.svg' -o -name '*.ico' \) -print0 |
  while IFS= read -r -d '' file; do gzip -9 -n -k -f "$file"; done
