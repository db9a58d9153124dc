#!/usr/bin/env bash
# Writes link/startup-order.txt: the functions `pail --demo` runs from its start until it is
# idle, which build.rs asks the linker to lay out first (x86_64 Linux, rustc's own lld).
#
# Why: the kernel maps a program's code 64 KB around each page it runs, so a few thousand
# functions scattered through 30 MB of code kept 20 MB of it resident. Laid out together they
# fill about 4 MB.
#
# Function names carry hashes of the toolchain, Cargo.lock, the profile and the features, so
# run this again after a change of Rust version or of dependencies (`cargo bench --bench start`
# says how many of the listed names the binary still has). The list serves two builds of
# `target/release/pail`: `cargo build --release` and the one `cargo bench` makes, whose
# dependencies have the dev-dependencies' features too; names one of them lacks are passed
# over.
#
# How: the release binary runs `pail --demo` under callgrind (every function run, at
# valgrind's pace), then natively under `perf` counting page faults, relinked each round with
# what is known so far: a fault in code outside the laid-out block names a function callgrind
# missed (its paths depend on timing and on the CPU's features). Then the same for the other
# build. Needs valgrind, perf, Xvfb and nm; takes about 12 minutes.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
for tool in valgrind perf Xvfb nm; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

order=link/startup-order.txt
binary=$PWD/target/release/pail
work=$(mktemp -d)
display=":$((200 + RANDOM % 300))"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; rm -rf "$work"' EXIT
sleep 1

# Runs `pail --demo` with a fresh home for $1 seconds, under the command that follows.
demo() {
  local seconds=$1 home
  shift
  home=$(mktemp -d -p "$work")
  HOME=$home PAIL_CONFIG_DIR=$home/config XDG_RUNTIME_DIR=$home DISPLAY=$display \
    timeout -s INT "$seconds" "$@" "$binary" --demo >/dev/null 2>&1 || true
}

build() {
  case $1 in
  release) cargo build --release --locked --bin pail ;;
  bench) cargo bench --locked --no-run --bench start ;;
  esac >/dev/null 2>&1
}

write_order() {
  {
    echo "# The functions \`pail --demo\` runs from its start until it is idle, laid out first by"
    echo "# the linker (build.rs). Written by link/order-startup-code.sh with $(rustc -V)."
    awk '!seen[$0]++' "$work/names"
  } >"$order"
}

touch "$work/names" "$work/defined"
for kind in release bench; do
  write_order
  build "$kind"
  echo "$kind build, callgrind: every function run until idle (3 minutes)" >&2
  demo 180 valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/callgrind.out"
  # fn=(id) name defines a name, fn=(id) reuses it; ob= says which file the code is in.
  awk -v binary="$binary" '
    function take(line,   id, name) {
      id = line; sub(/^[a-z]+=\(/, "", id); sub(/\).*/, "", id)
      name = line; sub(/^[a-z]+=\([0-9]+\) ?/, "", name)
      return id SUBSEP name
    }
    /^c?ob=/ { split(take($0), p, SUBSEP); if (p[2] != "") ob[p[1]] = p[2]
               if ($0 ~ /^ob=/) current = ob[p[1]]; next }
    /^c?fn=/ { split(take($0), p, SUBSEP); if (p[2] != "") fn[p[1]] = p[2]
               if ($0 ~ /^fn=/ && current == binary) {
                 name = fn[p[1]]; sub(/\x27[0-9]+$/, "", name)
                 if (name !~ /^(0x|\()/ && !(name in seen)) { seen[name] = 1; print name }
               } }
  ' "$work/callgrind.out" >>"$work/names"
  echo "  $(awk '!seen[$0]++' "$work/names" | wc -l) functions so far" >&2

  for round in 1 2 3 4 5 6; do
    write_order
    build "$kind"
    nm --defined-only "$binary" | awk '{ print $3 }' | sort -u >"$work/defined.$kind"
    demo 8 perf record -q -e page-faults -c 1 -d -o "$work/faults.data"
    # addr symbol (file) ip symbol (file): a fetch of code on the page it runs from.
    perf script -i "$work/faults.data" -F addr,ip,sym,dso --no-demangle 2>/dev/null |
      awk -v file="($binary)" '$6 == file && $5 != "[unknown]" &&
        substr($1, 1, length($1) - 3) == substr($4, 1, length($4) - 3) { print $5 }' |
      sort -u | comm -12 - "$work/defined.$kind" >"$work/faulted"
    new=$(grep -cvxF -f "$work/names" "$work/faulted" || true)
    echo "  round $round: $new functions faulted outside the block" >&2
    grep -vxF -f "$work/names" "$work/faulted" >>"$work/names" || true
    [ "$new" -lt 20 ] && break
  done
  cat "$work/defined.$kind" >>"$work/defined"
done
# The listed names either build has, sorted: the block's order within matters little, and a
# sorted list changes only where functions do.
sort -u -o "$work/defined" "$work/defined"
sort -u "$work/names" | grep -xF -f "$work/defined" >"$work/kept" || true
mv "$work/kept" "$work/names"
write_order
echo "wrote $order: $(grep -cv '^#' "$order") functions" >&2
