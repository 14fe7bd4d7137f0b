#!/usr/bin/env bash
# run.sh: builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60) on its
# seed corpus in tests/fuzz/corpus/<name>/ (new inputs found go to build/fuzz/corpus/<name>/, crashes to
# build/fuzz/crashes/). Not part of the normal build.   usage: tests/fuzz/run.sh [SECONDS] [target...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-60}"
shift || true
out="$root/build/fuzz"
mkdir -p "$out/crashes"

# name -> the project sources it needs besides tests/fuzz/fuzz_<name>.cpp
declare -A sources=(
  [http1]="src/server/http1_parser.cpp"
)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${!sources[@]}")

cxx="${CXX_FUZZ:-clang++}"
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/src")
status=0
for name in "${targets[@]}"; do
  bin="$out/fuzz_$name"
  srcs=()
  for s in ${sources[$name]}; do srcs+=("$root/$s"); done
  "$cxx" "${flags[@]}" "$here/fuzz_$name.cpp" "${srcs[@]}" -o "$bin"
  mkdir -p "$out/corpus/$name"
  echo "== fuzz_$name: $seconds s"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/crashes/$name-" \
      "$out/corpus/$name" "$here/corpus/$name" 2>"$out/fuzz_$name.log"; then
    status=1
    echo "fuzz_$name: FAILED (see $out/fuzz_$name.log and $out/crashes/)"
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$out/fuzz_$name.log" || true
done
exit $status
