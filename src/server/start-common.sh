# start-common.sh: what start-store.sh and start-cluster.sh share (sourced, not run): the build of what is missing
# or stale, with its progress shown, and the secrets kept in a data folder.

step() { printf '\n== %s\n' "$*"; }

# Configure prints only warnings and errors (--log-level=NOTICE); the builds print every step as it runs, so a first
# run on a fresh machine shows its progress (about 400 steps, several minutes on 2 cores) instead of sitting silent.
build_store() {
  export NODE_PATH=/usr/share/nodejs
  step "configuring the native build in build/native (the first time checks the compilers)"
  cmake --preset native --log-level=NOTICE
  step "building the server and the sandboxes (native, build/native/src)"
  cmake --build --preset native --target jupiter-server jupiter-processor-sandbox jupiter-partner-sandbox
  step "configuring the web build in build/web (Emscripten)"
  emcmake cmake --preset web --log-level=NOTICE
  step "building the store's web files into build/web/site (WebAssembly; the first build takes a few minutes)"
  cmake --build --preset web --target site
}

# secret FILE: the file's first line, created with 32 random bytes (hex, mode 0600) when missing.
secret() {
  [ -s "$1" ] || (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$1" && echo >>"$1")
  head -n1 "$1"
}
