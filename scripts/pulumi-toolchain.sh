#!/usr/bin/env bash
# Make a Pulumi toolchain usable on a machine that cannot download the Pulumi CLI.
#
#   env="$(bash scripts/pulumi-toolchain.sh)" || status=$?; eval "$env"
#
# stdout carries only `export ...` lines; progress and the summary go to stderr.
# 1. If `pulumi` is already on PATH and works, it is used as it is.
# 2. Otherwise the CLI, the Node.js language host and the command provider are built
#    from the Go module proxy at the versions pinned in package-lock.json, into
#    ${MDB_PULUMI_CACHE:-$HOME/.cache/mdb-hardening/pulumi-<version>}/bin (reused when present).
#    A plugin already on PATH (pulumi-language-nodejs, pulumi-resource-command) is used instead.
#    Plugins are found through PATH, not `pulumi plugin install --file`: the CLI looks a plugin up
#    on PATH before its plugin cache and then neither checks its version nor tries to download it.
# The AWS provider is never built: previews of AWS stacks need one the user already has.
#
# Exit status: 0 complete toolchain; 3 the CLI works but a plugin is missing (listed on stderr);
# 1 any other error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[pulumi-toolchain] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null || die "node is required (it reads package-lock.json and runs policy packs)"

# Version of an npm package as pinned in package-lock.json.
lock_version() {
  node -e 'const l = require(process.argv[1]); const p = l.packages["node_modules/" + process.argv[2]];
           if (!p) { process.exit(1); } console.log(p.version);' "$ROOT/package-lock.json" "$1" \
    || die "$1 is not in $ROOT/package-lock.json"
}

PULUMI_VERSION="$(lock_version @pulumi/pulumi)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 22)) || log "warning: @pulumi/pulumi $PULUMI_VERSION declares node >= 22; this is node $(node --version)"
COMMAND_VERSION="$(lock_version @pulumi/command)"

CACHE="${MDB_PULUMI_CACHE:-$HOME/.cache/mdb-hardening/pulumi-$PULUMI_VERSION}"
BIN="$CACHE/bin"
SRC="$CACHE/src"

# --- 1. An existing Pulumi CLI (not our own cached one) -------------------------------------
existing="$(command -v pulumi || true)"
if [[ -n "$existing" && "$existing" != "$BIN/pulumi" ]] && existing_version="$("$existing" version 2>/dev/null)"; then
  log "using the pulumi on PATH: $existing ($existing_version; lockfile pins v$PULUMI_VERSION)"
  printf 'export PULUMI_SKIP_UPDATE_CHECK=%q\n' true
  exit 0
fi

# --- 2. Build from the Go module proxy -----------------------------------------------------
command -v go >/dev/null || die "no pulumi on PATH and no go to build one"

mkdir -p "$BIN" "$SRC" "$CACHE/home"
missing=()
summary=()

# go_build OUTPUT PACKAGE LDFLAGS MODULE@VERSION...
# Builds PACKAGE in a throwaway wrapper module that requires every MODULE@VERSION and repeats
# their module-to-module replace directives (`go install pkg@version` refuses modules that have
# replace directives, and a dependency's replace directives are ignored by Go).
go_build() {
  local out="$1" pkg="$2" ldflags="$3"; shift 3
  local name work info gomod err mv
  name="$(basename "$out")"
  work="$SRC/$name"
  rm -rf "$work"
  mkdir -p "$work"
  (cd "$work" && go mod init "mdb-hardening.invalid/build/$name" >/dev/null 2>&1)
  for mv in "$@"; do
    info="$(cd "$work" && go mod download -json "$mv" 2>/dev/null)" || true
    err="$(node -e 'try { const j = JSON.parse(process.argv[1]); console.log(j.Error || "") }
                    catch (e) { console.log("go mod download printed no JSON") }' "$info")"
    if [[ -n "$err" ]]; then
      printf '%s could not be downloaded (GOPROXY=%s): %s\n' "$mv" "$(go env GOPROXY)" "$err" >"$work/error.txt"
      return 1
    fi
    gomod="$(node -e 'console.log(JSON.parse(process.argv[1]).GoMod)' "$info")"
    (cd "$work" && go mod edit -require="$mv")
    # Only replacements by another module version (path replacements point into their repository).
    node -e 'const m = JSON.parse(process.argv[1]);
             for (const r of m.Replace || []) if (r.New.Version)
               console.log(r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "") + "=" + r.New.Path + "@" + r.New.Version);' \
      "$(go mod edit -json "$gomod")" |
      while IFS= read -r rep; do (cd "$work" && go mod edit -replace="$rep"); done
  done
  (cd "$work" && go build -mod=mod -trimpath -ldflags "-s -w $ldflags" -o "$out" "$pkg") >"$work/build.log" 2>&1 || {
    tail -n 20 "$work/build.log" >"$work/error.txt"
    return 1
  }
}

# build_component LABEL OUTPUT PACKAGE LDFLAGS MODULE@VERSION...
build_component() {
  local label="$1" out="$2" exe found start=$SECONDS
  shift
  exe="$(basename "$out")"
  found="$(command -v "$exe" || true)"
  if [[ -n "$found" && "$found" != "$out" ]]; then
    summary+=("$label: $found (found on PATH)")
  elif [[ -x "$out" ]]; then
    summary+=("$label: $out (cached)")
  else
    log "building $label from the Go module proxy ..."
    if go_build "$@"; then
      summary+=("$label: $out (built in $((SECONDS - start))s)")
    else
      missing+=("$label")
      summary+=("$label: NOT AVAILABLE: $(cat "$SRC/$exe/error.txt")")
    fi
  fi
}

total_start=$SECONDS
V="v$PULUMI_VERSION"
PULUMI_MOD=github.com/pulumi/pulumi
VERSION_FLAG="-X $PULUMI_MOD/sdk/v3/go/common/version.Version=$V"

# A cached CLI of another version (a shared MDB_PULUMI_CACHE) is rebuilt.
if [[ -x "$BIN/pulumi" ]] && [[ "$("$BIN/pulumi" version 2>/dev/null || true)" != "$V" ]]; then
  rm -f "$BIN/pulumi"
fi
build_component "pulumi CLI $V" "$BIN/pulumi" "$PULUMI_MOD/pkg/v3/cmd/pulumi" "$VERSION_FLAG" \
  "$PULUMI_MOD/pkg/v3@$V" "$PULUMI_MOD/sdk/v3@$V"
[[ -x "$BIN/pulumi" ]] || die "the pulumi CLI could not be built: ${summary[-1]}"

LANGHOST_MOD="$PULUMI_MOD/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
build_component "Node.js language host $V" "$BIN/pulumi-language-nodejs" "$LANGHOST_MOD" "$VERSION_FLAG" \
  "$LANGHOST_MOD@$V" "$PULUMI_MOD/pkg/v3@$V" "$PULUMI_MOD/sdk/v3@$V"

COMMAND_MOD=github.com/pulumi/pulumi-command/provider
build_component "command provider v$COMMAND_VERSION" "$BIN/pulumi-resource-command" \
  "$COMMAND_MOD/cmd/pulumi-resource-command" "-X $COMMAND_MOD/pkg/version.Version=$COMMAND_VERSION" \
  "$COMMAND_MOD@v$COMMAND_VERSION"

# Policy-pack launcher. The CLI runs a Node.js policy pack through the Node.js language host;
# only without one does it look for this plugin, which it starts in the pack's directory with
# the arguments `<engine-address> . [runtime options]`.
cat >"$BIN/pulumi-analyzer-policy-nodejs" <<'LAUNCHER'
#!/bin/sh
# Written by mdb-hardening scripts/pulumi-toolchain.sh: runs a Node.js policy pack with the
# @pulumi/pulumi installed in the pack (the current directory).
run_policy_pack="$(node -e 'console.log(require.resolve("@pulumi/pulumi/cmd/run-policy-pack"))')" || exit 1
exec node "$run_policy_pack" "$@"
LAUNCHER
chmod +x "$BIN/pulumi-analyzer-policy-nodejs"
ln -sf pulumi-analyzer-policy-nodejs "$BIN/pulumi-analyzer-policy"
summary+=("policy-pack launcher: $BIN/pulumi-analyzer-policy-nodejs (used only without a Node.js language host)")

log "summary ($((SECONDS - total_start))s, cache $(du -sh "$CACHE" | cut -f1) in $CACHE):"
for line in "${summary[@]}"; do log "  $line"; done
log "not built: the AWS provider (pulumi-resource-aws); previews of AWS stacks need one on PATH or in PULUMI_HOME"

# shellcheck disable=SC2016 # "$PATH" is expanded by the caller's eval
case ":$PATH:" in
  *":$BIN:"*) ;;
  *) printf 'export PATH=%q:"$PATH"\n' "$BIN" ;;
esac
printf 'export PULUMI_HOME=%q\n' "$CACHE/home"
printf 'export PULUMI_SKIP_UPDATE_CHECK=%q\n' true
printf 'export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=%q\n' true

if ((${#missing[@]})); then
  log "incomplete toolchain, missing: $(printf '%s; ' "${missing[@]}")"
  log "put them on PATH (pulumi-language-nodejs, pulumi-resource-command) and run this script again"
  exit 3
fi
