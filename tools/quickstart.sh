#!/usr/bin/env bash
# quickstart.sh - set up, build, and run the main job on our own captures:
# the old camera client against the reference client.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh build
build/smbcmp captures/camera.pcap captures/reference.pcap || [ $? -eq 1 ]
