#!/usr/bin/env bash
# tests/check-layers.sh: fails when a source file in src/ includes across a layer boundary the build does not allow.
#   core      the C++ standard library, core/ itself, and its two value libraries (nlohmann/json, qrcodegen) only
#   platform  core/ and platform/ (never ui/, app/, server/)
#   ui        core/ and ui/; platform/ only through the capped list below (calls still to become effects)
#   app       core/, ui/, platform/, app/
#   consent   core/ (the consent module compiles the core's consent model)
#   server    core/ and server/
#   sandbox   core/, sandbox/, and from server/ only the headers of jupiter_server_common (src/server/CMakeLists.txt)
# usage: tests/check-layers.sh [ROOT]   (ROOT defaults to the repository; every offending line is printed)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root/src"

# The C++17 standard library's headers (C++ names only: the core does not use the <x.h> C spellings).
std_headers=" algorithm any array atomic bitset cassert cctype cerrno cfloat charconv cstdarg chrono cinttypes
  climits cmath complex condition_variable cstddef cstdint cstdio cstdlib cstring ctime cwchar deque exception
  execution filesystem forward_list functional initializer_list iomanip ios iosfwd iostream istream iterator limits
  list locale map memory memory_resource mutex new numeric optional ostream queue random ratio regex
  scoped_allocator set shared_mutex sstream stack stdexcept streambuf string string_view system_error thread tuple
  type_traits typeindex typeinfo unordered_map unordered_set utility valarray variant vector "
core_libraries=" nlohmann/json.hpp nlohmann/json_fwd.hpp qrcodegen.h "  # qrcodegen: its C API (issue 14)

# ui/ -> platform/ includes that exist today and may only disappear (issue 18: effects, not calls from the UI).
ui_platform_allowed=" ui/a11y.cpp:platform/mirror.hpp "
server_common_headers=" server/log.hpp server/crypto.hpp server/encoding.hpp server/webhooks.hpp server/html_escape.hpp server/stop_signals.hpp "

bad=0
fail() { echo "check-layers: src/$1: $2" >&2; bad=1; }
has() { [[ " $(echo $1) " == *" $2 "* ]]; }  # LIST WORD: WORD is one of LIST's words (any white space)

# includes FILE: one "<name>" or "\"name\"" per line, as written.
includes() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$1"; }

check_core() {  # FILE
  local inc name
  while IFS= read -r inc; do
    name="${inc:1:${#inc}-2}"
    if [[ "$inc" == \"* ]]; then
      [[ "$name" == core/* && -f "$name" ]] || fail "$1" "includes $inc (the core includes only core/ files)"
    else
      has "$std_headers" "$name" || has "$core_libraries" "$name" ||
        fail "$1" "includes $inc (not the standard library, nlohmann/json or qrcodegen)"
    fi
  done < <(includes "$1")
}

check_quoted() {  # FILE "ALLOWED-PREFIXES": every quoted include starts with one of them
  local inc name prefix ok
  while IFS= read -r inc; do
    [[ "$inc" == \"* ]] || continue
    name="${inc:1:${#inc}-2}"; ok=0
    for prefix in $2; do [[ "$name" == "$prefix"/* ]] && ok=1; done
    if [[ $ok -eq 0 ]]; then
      case "$1:$name" in
        ui/*:platform/*) has "$ui_platform_allowed" "$1:$name" && ok=1 ;;
        sandbox/*:server/*) has "$server_common_headers" "$name" && ok=1 ;;
      esac
    fi
    [[ $ok -eq 1 ]] || fail "$1" "includes $inc (allowed: $2)"
  done < <(includes "$1")
}

shopt -s nullglob
for f in core/*.cpp core/*.hpp; do check_core "$f"; done
for f in platform/*.cpp platform/*.hpp platform/*.h; do check_quoted "$f" "core platform"; done
for f in ui/*.cpp ui/*.hpp; do check_quoted "$f" "core ui"; done
for f in app/*.cpp app/*.hpp; do check_quoted "$f" "core ui platform app"; done
for f in consent/*.cpp; do check_quoted "$f" "core"; done
for f in server/*.cpp server/*.hpp; do check_quoted "$f" "core server"; done
for f in sandbox/*/*.cpp sandbox/*/*.hpp; do check_quoted "$f" "core sandbox"; done

if [[ $bad -eq 0 ]]; then echo "check-layers: every include in src/ stays inside its layer"; fi
exit $bad
