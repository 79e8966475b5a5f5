#!/usr/bin/env bash
# Installs the Debian packages MindSpace builds against, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail
packages=(liblapacke-dev libopenblas-dev libpng-dev zlib1g-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -eq 0 ]]; then
  echo "Installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "MindSpace needs these system packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
