#!/bin/sh
# Renders the SVG illustrations in this folder to PNG with the same fonts every time.
# Needs Debian's librsvg2-bin (rsvg-convert) and fonts-dejavu-core:
#   apt-get install -y librsvg2-bin fonts-dejavu-core
set -eu
cd "$(dirname "$0")"
for svg in *.svg; do
    rsvg-convert --format png --background-color white --output "${svg%.svg}.png" "$svg"
    echo "rendered ${svg%.svg}.png"
done
