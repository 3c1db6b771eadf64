#!/usr/bin/env bash
# Installs ffmpeg from Debian's packages (needs root) when it is missing, so the dataset video tests run.
# The `image` dtype never needs it; only the `video` dtype encodes and decodes through it.
set -euo pipefail
if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "installing ffmpeg from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq ffmpeg >&2
fi
ffmpeg -version | head -n 1 >&2
