#!/usr/bin/env bash
# Unpacks Mesa's lavapipe Vulkan driver from Debian's bookworm-backports suite (Mesa 25; Debian 12's own Mesa 22.3
# is too old for Dawn) into .vendor/mesa (git-ignored), with an ICD file that names it by absolute path. The
# system is not touched: apt runs with a private source list, lists and cache under .vendor/apt. Idempotent; on any
# failure it says so and exits 0 — Dawn then uses OpenGL ES on Debian's llvmpipe (slower), see src/gpu/device.ts.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.vendor/mesa"
icd="$dest/lvp_icd.json"
if [ -s "$icd" ] && [ -e "$dest/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so" ]; then
  echo "lavapipe ready: $(cat "$dest/version" 2>/dev/null)"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || { echo "lavapipe: not x86_64, skipped"; exit 0; }
apt_dir="$root/.vendor/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest"
echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$apt_dir/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root -qq)
fail() { echo "lavapipe: $1; Dawn in Node will use OpenGL ES on llvmpipe instead"; rm -rf "$dest"; exit 0; }
apt-get "${opts[@]}" update >/dev/null 2>&1 || fail "bookworm-backports unreachable"
cd "$dest" || fail "cannot write $dest"
apt-get "${opts[@]}" download mesa-vulkan-drivers/bookworm-backports >/dev/null 2>&1 || fail "download failed"
deb=$(ls mesa-vulkan-drivers_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no package downloaded"
rm -rf root && mkdir root && dpkg -x "$deb" root || fail "unpacking failed"
lib="$dest/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"
[ -e "$lib" ] || fail "no libvulkan_lvp.so in $deb"
printf '{ "file_format_version": "1.0.0", "ICD": { "api_version": "1.3.0", "library_path": "%s" } }\n' "$lib" > "$icd"
echo "${deb%.deb}" > "$dest/version"
rm -f "$deb"
echo "lavapipe ready: $(cat "$dest/version")"
