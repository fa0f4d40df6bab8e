#!/bin/sh
# Install the Debian packages iondrift needs to build, test and plot.
# Open MPI (libopenmpi-dev, openmpi-bin) is optional for a build (sweeps
# then run on one machine) and installed here so that `make test` builds
# with it and runs the MPI sweep tests.
# Idempotent: installs only what is missing. Needs root (or sudo) on Debian.
set -eu

PKGS="build-essential cmake pkg-config libsundials-dev libsuitesparse-dev \
libhdf5-dev libyaml-dev libgsl-dev libcmocka-dev python3 python3-matplotlib \
python3-h5py python3-numpy python3-pytest python3-pip python3-setuptools \
libopenmpi-dev openmpi-bin"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: missing packages:$missing (run as root to install)" >&2
    exit 1
  fi
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
