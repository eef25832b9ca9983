# Shared helpers for scripts/run and scripts/test. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/usr/local/go/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_tools() {
  command -v go >/dev/null || die "Go is not installed (https://go.dev/doc/install); Alianza needs the version in go.mod"
  command -v node >/dev/null || die "Node.js 20+ and npm are needed to build the web app (apt-get install nodejs npm)"
  command -v npm >/dev/null || die "npm is needed to build the web app (apt-get install npm)"
}

# apt_install PKG... installs missing Debian packages when root, else says what to run.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
    apt-get update -qq >/dev/null
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ui_build installs the UI's npm packages (from the lock file) and builds ui/dist when sources changed.
ui_deps() {
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "installing the web app's npm packages"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
ui_build() {
  ui_deps
  local stamp=ui/dist/index.html
  if [ ! -f "$stamp" ] || [ -n "$(find ui/src ui/index.html ui/vite.config.ts ui/package.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    say "building the web app"
    (cd ui && npm run --silent build)
  fi
}

# build_ldflags stamps the release (a vX.Y.Z tag when one describes HEAD; else
# the release constant in cmd/alianza/version.go) and the commit into the binary.
build_ldflags() {
  local ver commit
  ver="$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null | sed 's/^v//' || true)"
  commit="$(git rev-parse HEAD 2>/dev/null || true)"
  if [ -n "$commit" ] && ! git diff --quiet HEAD -- 2>/dev/null; then commit="$commit-dirty"; fi
  # -s -w drops the symbol table and DWARF (42 -> 30 MB); panics still
  # print function names and lines from the runtime's own tables.
  printf -- '-s -w -X main.version=%s -X main.commit=%s' "$ver" "$commit"
}

go_build() {
  say "building bin/alianza"
  mkdir -p bin
  go build -trimpath -ldflags "$(build_ldflags)" -o bin/alianza ./cmd/alianza
}
