#!/usr/bin/env bash
# run.sh: builds the libFuzzer targets with clang (ASan + UBSan) and runs each, one after another, for SECONDS
# (default 60) on its seed corpus in tests/fuzz/corpus/<name>/ (new inputs found go to build/fuzz/corpus/<name>/,
# crashes to build/fuzz/crashes/). Not part of the normal build.
#   usage: tests/fuzz/run.sh [SECONDS] [target...]     every target (or the ones named) for SECONDS each
#          tests/fuzz/run.sh --ci [target...]          CI: every target for 15 s (FUZZ_CI_SECONDS), about 3 min
#          tests/fuzz/run.sh --build [target...]       build only
# The shared project sources are compiled once into build/fuzz/obj/ (again only when a source or a header it
# includes is newer than its object) and archived, so a run compiles only what changed; FUZZ_JOBS (default 2)
# compiles run at once. Exits non-zero when a build fails or any target finds a crash.
# Seeds: tests/fuzz/make_corpus.py writes seed-* from the project's test inputs; crash-* files are inputs that once
# crashed a target, kept as regression seeds (every run replays them first).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mode=run
seconds=60
case "${1:-}" in
  --ci) mode=ci; seconds="${FUZZ_CI_SECONDS:-15}"; shift ;;
  --build) mode=build; shift ;;
  '') ;;
  *) if [[ "$1" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi ;;
esac
out="$root/build/fuzz"
obj="$out/obj"
mkdir -p "$out/crashes" "$obj" "$out/gen"

# Every project source a target may need: compiled once, archived into libfuzzcore.a; each target's link takes
# only the members it uses.
shared=(src/core/money.cpp src/core/country.cpp src/core/json_lite.cpp src/core/json_reader.cpp src/core/json_writer.cpp
        src/core/catalogue.cpp src/core/order.cpp src/core/consent.cpp src/core/activation_code.cpp
        src/core/embed.cpp src/core/contact.cpp src/core/account.cpp src/core/privacy_centre.cpp
        src/core/support.cpp src/core/scan.cpp
        src/server/http1_parser.cpp
        src/server/webhooks.cpp src/server/crypto.cpp)
all_targets=(http1 catalogue order consent_record json_lite json_reader json_writer activation_code webhook_signature
             embed_config account privacy_centre base64url support scan)
declare -A libs=([webhook_signature]="-lcrypto" [base64url]="-lcrypto")
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for name in "${targets[@]}"; do
  [ -f "$here/fuzz_$name.cpp" ] || { echo "run.sh: no target $name (tests/fuzz/fuzz_$name.cpp)" >&2; exit 2; }
done

cxx="${CXX_FUZZ:-clang++}"
common=(-std=c++17 -O1 -g -fno-sanitize-recover=undefined -I"$root/src" -isystem "$root/third_party/include")
lib_flags=("${common[@]}" -fsanitize=fuzzer-no-link,address,undefined)
own_flags=("${lib_flags[@]}" -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror)
link_flags=(-fsanitize=fuzzer,address,undefined)

# stale OUT DEPFILE: true when OUT is missing, or any file the depfile names is missing or newer than OUT.
stale() {
  [ -f "$1" ] && [ -f "$2" ] || return 0
  local f
  for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2"); do
    [ -e "$f" ] && [ ! "$f" -nt "$1" ] || return 0
  done
  return 1
}

# compile SRC OBJ FLAGS...: in the background, at most FUZZ_JOBS at once; a failure leaves OBJ.failed.
compile() {
  local src="$1" o="$2"
  shift 2
  stale "$o" "$o.d" || return 0
  while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_JOBS:-2}" ]; do wait -n || true; done
  rm -f "$o.failed"
  echo "   compiling ${src#"$root"/}"
  ( "$cxx" "$@" -MMD -MF "$o.d" -c "$src" -o "$o" || { rm -f "$o"; touch "$o.failed"; } ) &
}

# The consent config table (core/consent_config.hpp), generated as the native build does.
table="$out/gen/consent_config.cpp"
if [ ! -f "$table" ] || [ "$root/assets/consent.json" -nt "$table" ] || [ "$root/src/consent/config_table.py" -nt "$table" ]; then
  python3 "$root/src/consent/config_table.py" "$root/assets/consent.json" "$table"
fi

build_start=$SECONDS
objects=()
for s in "${shared[@]}" "$table"; do
  src="$s"; [[ "$src" == /* ]] || src="$root/$s"
  o="$obj/$(basename "${src%.cpp}").o"
  objects+=("$o")
  compile "$src" "$o" "${lib_flags[@]}"
done
for name in "${targets[@]}"; do compile "$here/fuzz_$name.cpp" "$obj/fuzz_$name.o" "${own_flags[@]}"; done
wait
if compgen -G "$obj/*.failed" >/dev/null; then
  echo "run.sh: build failed: $(cd "$obj" && ls -- *.failed | sed 's/\.o\.failed//' | tr '\n' ' ')" >&2
  exit 1
fi
archive="$obj/libfuzzcore.a"
for o in "${objects[@]}"; do
  if [ ! -f "$archive" ] || [ "$o" -nt "$archive" ]; then rm -f "$archive"; ar rcs "$archive" "${objects[@]}"; break; fi
done
for name in "${targets[@]}"; do
  bin="$out/fuzz_$name"
  if [ ! -f "$bin" ] || [ "$obj/fuzz_$name.o" -nt "$bin" ] || [ "$archive" -nt "$bin" ]; then
    # shellcheck disable=SC2086  # libs holds words
    "$cxx" "${link_flags[@]}" "$obj/fuzz_$name.o" "$archive" ${libs[$name]:-} -o "$bin" &
    while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_JOBS:-2}" ]; do wait -n || true; done
  fi
done
wait
for name in "${targets[@]}"; do [ -x "$out/fuzz_$name" ] || { echo "run.sh: link of fuzz_$name failed" >&2; exit 1; }; done
echo "== built ${#targets[@]} targets in $((SECONDS - build_start)) s"
[ "$mode" = build ] && exit 0

status=0
summary=()
for name in "${targets[@]}"; do
  bin="$out/fuzz_$name"
  log="$out/fuzz_$name.log"
  mkdir -p "$out/corpus/$name" "$here/corpus/$name"
  echo "== fuzz_$name: $seconds s"
  start=$SECONDS
  result=ok
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/crashes/$name-" "$out/corpus/$name" "$here/corpus/$name" 2>"$log"; then
    status=1
    result=FAILED
    echo "fuzz_$name: FAILED (see $log and $out/crashes/)"
    grep -E "ERROR|SUMMARY|abort|#[0-9]+ 0x" "$log" | head -n 30 || true
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  summary+=("$(printf '%-18s %4s s  %12s execs  %s' "$name" "$((SECONDS - start))" "${execs:-?}" "$result")")
done
echo "== summary (stat::number_of_executed_units)"
printf '%s\n' "${summary[@]}"
exit $status
