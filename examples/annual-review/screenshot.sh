#!/bin/sh
# Render the whole cycle's HTML review and screenshot it in headless
# Chromium, to look at the page as a councillor would (not run in CI).
#
#   sh examples/annual-review/screenshot.sh [OUT.png] [WIDTH]
#
# Needs chromium (apt-get install chromium). A narrow WIDTH (such as 420)
# shows the page on a phone: the charts scale and the tables scroll.
set -eu
out=${1:-review.png}
width=${2:-1100}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go run ./examples/annual-review -format html > "$dir/review.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="$width,3400" --screenshot="$out" "file://$dir/review.html" 2>/dev/null
echo "wrote $out"
