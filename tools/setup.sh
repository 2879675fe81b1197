#!/usr/bin/env bash
# Set up formcheck on a fresh Debian machine: system libraries, a virtualenv in .venv, the package.
#   bash tools/setup.sh          # what the app needs
#   bash tools/setup.sh --test   # plus test tools and Debian's chromium for the browser test
# A few minutes on a fresh machine, mostly downloads: each step is announced, and apt-get and pip show their progress.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

step() { printf '\n== formcheck set-up, step %s of 3: %s\n' "$1" "$2"; }

step 1 "Debian libraries"
# mediapipe needs libGL/glib to import and EGL/GLES to create its graph.
packages=(libgl1 libglib2.0-0 libegl1 libgles2)
[[ $want_test == 1 ]] && packages+=(chromium fonts-dejavu-core strace iproute2)  # strace, ip: the network-namespace privacy test
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "Installing ${missing[*]} with apt-get"
  sudo_cmd=""
  [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "Already installed: ${packages[*]}"
fi

step 2 "Python virtualenv in .venv"
if [[ -x .venv/bin/python ]]; then
  echo "Already there"
else
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip

step 3 "formcheck and the Python packages it uses (MediaPipe, Streamlit, ...)"
# The versions the tests and figures were made with (constraints.txt), so every machine runs the same code.
if [[ $want_test == 1 ]]; then
  .venv/bin/python -m pip install --disable-pip-version-check -c constraints.txt -e '.[test]'
else
  .venv/bin/python -m pip install --disable-pip-version-check -c constraints.txt -e .
fi

printf '\n== formcheck is set up.\n'
[[ $want_test == 1 ]] && echo "Run the tests: .venv/bin/python -m pytest -q"
echo "Start the app: .venv/bin/streamlit run app.py"
echo "Then open http://localhost:8501 in your browser."
