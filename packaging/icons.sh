#!/usr/bin/env bash
# Renders resources/icons/org.kclone.kclone.svg to the PNG sizes the packages install
# (resources/icons/org.kclone.kclone-N.png). Run it after changing the SVG and commit the PNGs:
# the build does not render them, so it needs no SVG renderer.
# Needs rsvg-convert (Debian package librsvg2-bin) or ImageMagick's convert.
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
for n in 16 24 32 48 64 128 256 512; do
  if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert -w "$n" -h "$n" org.kclone.kclone.svg -o "org.kclone.kclone-$n.png"
  else
    convert -background none -density 1200 org.kclone.kclone.svg -resize "${n}x$n" "org.kclone.kclone-$n.png"
  fi
done
ls -l org.kclone.kclone-*.png
