#!/usr/bin/env bash
# Set up formcheck on a fresh Debian machine: system libraries, a virtualenv in .venv, the package.
#   bash tools/setup.sh          # what the app needs
#   bash tools/setup.sh --test   # plus test tools and Debian's chromium for the browser test
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

# mediapipe needs libGL/glib to import and EGL/GLES to create its graph (see NOTES in the brief).
packages=(libgl1 libglib2.0-0 libegl1 libgles2)
[[ $want_test == 1 ]] && packages+=(chromium fonts-dejavu-core strace iproute2)  # strace, ip: the network-namespace privacy test
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  sudo_cmd=""
  [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [[ $want_test == 1 ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
