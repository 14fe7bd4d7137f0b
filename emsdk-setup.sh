#!/usr/bin/env bash
# emsdk-setup.sh: install everything JupiterEsims needs to build, run and test, on Debian 12 (bookworm).
#
# Sources, all from the two registries this project may use (Debian's archive and the npm registry):
#   - Emscripten 3.1.6, nlohmann/json 3.11.2, doctest 2.4.9, cpp-httplib 0.11, SQLite 3.40,
#     Chromium, fonts, zbar (QR decoder for tests), brotli           -> Debian binary packages
#   - Dear ImGui 1.86 and qrcodegen 1.8.0 (C) sources                   -> Debian *source* packages,
#     unpacked into third_party/ (git-ignored, never committed)
#   - Playwright, axe-core (test tooling)                               -> npm, pinned by tests/package-lock.json
#   - flag-icons 7.5.0 (country flag SVGs, MIT)                        -> npm tarball, sha512-checked, into third_party/
#
# Idempotent: with everything present it only checks, and finishes in seconds.
# An Emscripten that is already active (EMSDK set, or emcc on PATH at a supported version) is used as it is.
# Any step that cannot be done stops the script with a message naming what failed.
#
# Usage: ./emsdk-setup.sh            (as root, or with sudo available)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TP="$ROOT/third_party"
IMGUI_VERSION="1.86"
QRCODEGEN_VERSION="1.8.0"
FLAG_ICONS_VERSION="7.5.0"
FLAG_ICONS_SHA512="sha512-kd+MNXviFIg5hijH766tt+3x76ele1AXlo4zDdCxIvqWZhKt4T83bOtxUOOMlTx/EcFdUMH5yvQgYlFh1EqqFg=="
EMSCRIPTEN_MIN="3.1.6"

say()  { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die()  { printf '\033[1;31m[setup] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install Debian packages"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------------------------------------
# [SECTION] Debian packages
# ---------------------------------------------------------------------------------------------------------
PKGS=(
  build-essential cmake ninja-build pkg-config git ca-certificates xz-utils dpkg-dev
  nlohmann-json3-dev doctest-dev libcpp-httplib-dev libsqlite3-dev zlib1g-dev libbrotli-dev libssl-dev
  postgresql libpq-dev
  chromium
  fonts-inter fonts-noto-core fonts-dejavu-core
  zbar-tools brotli gzip curl python3 python3-fonttools
  terser
  librsvg2-bin pngquant             # the flag atlas: flag-icons' SVGs -> one PNG (src/ui/flags.py)
  clang libclang-rt-14-dev          # libFuzzer + ASan/UBSan for tests/fuzz/run.sh
  nginx-light apache2-utils         # the yardstick and the load generator of tests/bench/load.mjs (no service is started)
  libnginx-mod-http-brotli-static   # start-cluster.sh: nginx sends the web build's .br files itself
  faketime                          # api-jobs: a server process whose clock runs a few seconds ahead
  wrk                               # tests/bench/scale-out.mjs: orders created per second (a Lua script per request)
  prometheus                        # tests/metrics/scrape.sh: a real scrape of /metrics (started there, on a free port)
  libcurl4-openssl-dev              # the server's SMTP relay (--smtp-url, src/server/smtp_relay.cpp)
  python3-aiosmtpd                  # api-smtp: a local SMTP sink the tests start (tests/api/fixtures/smtp_sink.py)
)

# Node.js and npm: keep a preinstalled Node (some images ship nodesource's, which bundles npm and
# conflicts with Debian's npm package); install Debian's only when missing.
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm  >/dev/null 2>&1 || PKGS+=(npm)

# Emscripten: use an active one if it is recent enough, else Debian's package.
# (No `| head` on emcc's output: under pipefail, emcc killed by SIGPIPE after head exits fails the check at random.)
emcc_ok() {
  local out v
  command -v emcc >/dev/null 2>&1 || return 1
  out="$(emcc --version 2>/dev/null)" || return 1
  [[ "${out%%$'\n'*}" =~ ([0-9]+\.[0-9]+\.[0-9]+) ]] || return 1
  v="${BASH_REMATCH[1]}"
  [ "$(printf '%s\n%s\n' "$EMSCRIPTEN_MIN" "$v" | sort -V | head -n1)" = "$EMSCRIPTEN_MIN" ]
}
if [ -n "${EMSDK:-}" ] && [ -f "$EMSDK/emsdk_env.sh" ]; then
  # shellcheck disable=SC1091
  source "$EMSDK/emsdk_env.sh" >/dev/null 2>&1 || true
fi
if emcc_ok; then
  say "using the active Emscripten: $(command -v emcc)"
else
  PKGS+=(emscripten)
fi

missing=()
for p in "${PKGS[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == *"install ok installed"* ]] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq || die "apt-get update (Debian's package index unreachable?)"
  if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/jupiter-apt.log 2>&1; then
    tail -n 20 /tmp/jupiter-apt.log >&2
    die "apt-get install of: ${missing[*]} (log: /tmp/jupiter-apt.log)"
  fi
else
  say "Debian packages: all present"
fi
emcc_ok || die "Emscripten >= $EMSCRIPTEN_MIN not found after install (package 'emscripten')"

# ---------------------------------------------------------------------------------------------------------
# [SECTION] Third-party sources from Debian source packages (into third_party/, git-ignored)
# ---------------------------------------------------------------------------------------------------------
# A private apt configuration with a deb-src entry, so the system's sources are left untouched.
APTDIR="$TP/.apt"
apt_src() {
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/archives/partial"
  if [ ! -f "$APTDIR/sources.list" ]; then
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
      > "$APTDIR/sources.list"
  fi
  if [ ! -f "$APTDIR/.updated" ]; then
    apt-get -o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
            -o Dir::State::Lists="$APTDIR/lists" -o APT::Sandbox::User=root update -qq \
      || die "apt-get update for the deb-src index (needed for the imgui and qr-code-generator sources)"
    touch "$APTDIR/.updated"
  fi
  ( cd "$1" && apt-get -o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$APTDIR/lists" -o APT::Sandbox::User=root \
        source --download-only "$2" ) >/dev/null 2>&1 || true
}

fetch_orig() { # name version dest-dir
  local name="$1" version="$2" dest="$3" dl="$TP/.downloads"
  mkdir -p "$dl"
  local tarball
  tarball="$(ls "$dl/${name}_${version}"*.orig.tar.* 2>/dev/null | head -n1 || true)"
  if [ -z "$tarball" ]; then
    say "fetching Debian source package $name $version"
    apt_src "$dl" "$name=$(apt_src_version "$name" "$version")"
    tarball="$(ls "$dl/${name}_${version}"*.orig.tar.* 2>/dev/null | head -n1 || true)"
    [ -n "$tarball" ] || die "could not download the Debian source package '$name' ($version)"
  fi
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  tar -xf "$tarball" -C "$dest.tmp" --strip-components=1 || die "could not unpack $tarball"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

# The full Debian version string of a source package whose upstream version is $2.
apt_src_version() {
  apt-cache -o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
            -o Dir::State::Lists="$APTDIR/lists" showsrc "$1" 2>/dev/null \
    | awk '/^Version:/ {print $2}' | grep -E "^([0-9]+:)?$2" | head -n1
}

if [ ! -f "$TP/imgui/imgui.cpp" ] || ! grep -q "IMGUI_VERSION *\"$IMGUI_VERSION\"" "$TP/imgui/imgui.h"; then
  fetch_orig imgui "$IMGUI_VERSION" "$TP/imgui"
  grep -q "IMGUI_VERSION *\"$IMGUI_VERSION\"" "$TP/imgui/imgui.h" || die "third_party/imgui is not Dear ImGui $IMGUI_VERSION"
else
  say "Dear ImGui $IMGUI_VERSION sources: present"
fi

# The build uses its C version (c/qrcodegen.{h,c}: no exceptions or iostream in the store module, issue 14).
if [ ! -f "$TP/qrcodegen/c/qrcodegen.c" ] || [ ! -f "$TP/qrcodegen/c/qrcodegen.h" ]; then
  mkdir -p "$TP"
  fetch_orig qr-code-generator "$QRCODEGEN_VERSION" "$TP/qrcodegen"
  [ -f "$TP/qrcodegen/c/qrcodegen.c" ] || die "third_party/qrcodegen has no c/qrcodegen.c"
else
  say "qrcodegen $QRCODEGEN_VERSION sources: present"
fi

# nlohmann/json for em++: a folder holding only nlohmann/ (adding /usr/include would drag in glibc headers).
if [ ! -e "$TP/include/nlohmann/json.hpp" ]; then
  mkdir -p "$TP/include"
  ln -sfn /usr/include/nlohmann "$TP/include/nlohmann"
  [ -e "$TP/include/nlohmann/json.hpp" ] || die "nlohmann/json header not found at /usr/include/nlohmann"
fi
# doctest the same way, so the wasm unit tests can include it.
if [ ! -e "$TP/include/doctest/doctest.h" ]; then
  ln -sfn /usr/include/doctest "$TP/include/doctest"
  [ -e "$TP/include/doctest/doctest.h" ] || die "doctest header not found at /usr/include/doctest"
fi

# Country flags: flag-icons (MIT), the npm tarball of one pinned version, checked against its published
# sha512; only flags/4x3/*.svg and the LICENSE are kept (third_party/flag-icons). The build rasterizes them into
# one atlas PNG (src/ui/flags.py).
if [ ! -f "$TP/flag-icons/.version" ] || [ "$(cat "$TP/flag-icons/.version")" != "$FLAG_ICONS_VERSION" ]; then
  say "fetching flag-icons $FLAG_ICONS_VERSION (npm registry)"
  dl="$TP/.downloads"
  mkdir -p "$dl"
  tgz="$dl/flag-icons-$FLAG_ICONS_VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    ( cd "$dl" && npm pack "flag-icons@$FLAG_ICONS_VERSION" --silent >/dev/null ) || die "npm pack flag-icons@$FLAG_ICONS_VERSION"
  fi
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$got" = "$FLAG_ICONS_SHA512" ] || { rm -f "$tgz"; die "flag-icons tarball: sha512 mismatch ($got)"; }
  rm -rf "$TP/flag-icons.tmp" && mkdir -p "$TP/flag-icons.tmp"
  tar -xzf "$tgz" -C "$TP/flag-icons.tmp" --strip-components=1 package/LICENSE package/flags/4x3 \
    || die "could not unpack $tgz"
  echo "$FLAG_ICONS_VERSION" > "$TP/flag-icons.tmp/.version"
  rm -rf "$TP/flag-icons" && mv "$TP/flag-icons.tmp" "$TP/flag-icons"
else
  say "flag-icons $FLAG_ICONS_VERSION: present"
fi

# ---------------------------------------------------------------------------------------------------------
# [SECTION] Fonts (from Debian's font packages; copied at build time into the web bundle)
# ---------------------------------------------------------------------------------------------------------
for f in /usr/share/fonts/opentype/inter/Inter-Regular.otf /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; do
  [ -f "$f" ] || die "font file missing: $f (packages fonts-inter, fonts-dejavu-core)"
done

# ---------------------------------------------------------------------------------------------------------
# [SECTION] npm test tooling (pinned by tests/package-lock.json; never downloads a browser)
# ---------------------------------------------------------------------------------------------------------
if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] || [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
  say "installing npm test packages (tests/package-lock.json)"
  ( cd "$ROOT/tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error ) \
    || die "npm ci in tests/ (playwright-core, axe-core)"
else
  say "npm test packages: present"
fi

command -v chromium >/dev/null || die "chromium not on PATH (package 'chromium')"
emcc_version="$(emcc --version 2>/dev/null)"  # read whole: a `| head` would SIGPIPE emcc (a BrokenPipeError)
say "ready: $(printf '%s' "${emcc_version%%$'\n'*}" | cut -c1-60); $(chromium --version 2>/dev/null | head -n1)"
