#!/usr/bin/env bash
# Build (or reuse) a cached Debian bookworm root filesystem for host tests.
#
#   test/helpers/host/build-root.sh            build if missing, print the root's path on stdout
#   test/helpers/host/build-root.sh --check    print the path and exit 0 if built, exit 3 if not
#   test/helpers/host/build-root.sh --path     print the path it would use (built or not)
#
# Environment:
#   MDB_TEST_ROOT_CACHE   cache directory (default /var/cache/mdb-hardening/roots)
#   MDB_TEST_MIRROR       Debian mirror URL (default: first bookworm URI in the
#                         machine's /etc/apt/sources.list(.d))
#   MDB_TEST_SECURITY_MIRROR  debian-security URL (default: from the sources, if any)
#
# The root lives at  $MDB_TEST_ROOT_CACHE/bookworm-<hash>  where <hash> covers this
# script and the package list, so a rerun with the same list reuses it. It is built
# in a temporary sibling directory and renamed into place only when complete: an
# interrupted build never leaves a directory under the final name. Tests must never
# modify the cached root; the harness mounts an overlay (or copies it) per suite.
set -euo pipefail
umask 022
export LC_ALL=C

SUITE=bookworm
# Kept sorted; changing it changes the hash (and so the cache directory).
PACKAGES=(
    at
    avahi-daemon
    cups-daemon
    fis-gtm
    gpm
    iproute2
    nftables
    openssh-server
    passwd
    procps
    rpcbind
    snmpd
    sudo
    systemd
    util-linux
)
MARKER=etc/mdb-test-root

die() { printf 'build-root.sh: %s\n' "$*" >&2; exit 1; }
log() { printf 'build-root.sh: %s\n' "$*" >&2; }

mode=build
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    --path) mode=path ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (use --check, --path or nothing)" ;;
esac

cache_raw="${MDB_TEST_ROOT_CACHE:-/var/cache/mdb-hardening/roots}"
[[ "$cache_raw" == /* ]] || die "MDB_TEST_ROOT_CACHE must be an absolute path: $cache_raw"
[[ "$cache_raw" =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "MDB_TEST_ROOT_CACHE has unsupported characters: $cache_raw"
[[ "$cache_raw" != *"/../"* && "$cache_raw" != *"/.." ]] || die "MDB_TEST_ROOT_CACHE must not contain ..: $cache_raw"

script_path="$(realpath -e "${BASH_SOURCE[0]}")"
hash="$({ cat "$script_path"; printf '%s\n' "$SUITE" "${PACKAGES[@]}"; } | sha256sum | cut -c1-16)"
[[ "$hash" =~ ^[0-9a-f]{16}$ ]] || die "could not compute hash"

is_complete() { [[ -d "$1" && -f "$1/$MARKER" ]]; }

if [[ "$mode" != build ]]; then
    final="$(realpath -m "$cache_raw")/$SUITE-$hash"
    if [[ "$mode" == path ]]; then printf '%s\n' "$final"; exit 0; fi
    if is_complete "$final"; then printf '%s\n' "$final"; exit 0; fi
    log "no cached root at $final (run test/helpers/host/build-root.sh as root)"
    exit 3
fi

[[ "$(id -u)" == 0 ]] || die "must run as root (debootstrap, chroot)"
for tool in debootstrap chroot flock mountpoint sha256sum realpath; do
    command -v "$tool" >/dev/null || die "missing tool: $tool (apt-get install debootstrap util-linux coreutils)"
done

mkdir -p -- "$cache_raw"
chmod 0755 -- "$cache_raw"
cache="$(realpath -e "$cache_raw")"
[[ "$cache" != / ]] || die "cache directory must not be /"
final="$cache/$SUITE-$hash"

# ---------------------------------------------------------------- helpers

# Absolute paths of mount points at or below $1, deepest first.
mounts_under() {
    local dir="$1"
    awk -v d="$dir" '{
        mp = $5
        gsub(/\\040/, " ", mp); gsub(/\\011/, "\t", mp); gsub(/\\012/, "\n", mp); gsub(/\\134/, "\\", mp)
        if (mp == d || index(mp, d "/") == 1) print mp
    }' /proc/self/mountinfo | sort -r
}

# Kill every process whose root directory is $1 or below it (e.g. a daemon a
# postinst started despite policy-rc.d).
kill_rooted() {
    local dir="$1" p r pids=()
    for p in /proc/[0-9]*; do
        r="$(readlink "$p/root" 2>/dev/null)" || continue
        if [[ "$r" == "$dir" || "$r" == "$dir/"* ]]; then pids+=("${p#/proc/}"); fi
    done
    if (( ${#pids[@]} )); then
        log "killing processes rooted in $dir: ${pids[*]}"
        kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 1
    fi
}

# Remove a temporary build directory, after proving it is one of ours.
safe_remove_build_dir() {
    local dir="$1" mp
    [[ "$dir" =~ ^/.+/\.build-[a-z]+-[0-9a-f]{16}\.[A-Za-z0-9]{6,}$ ]] || die "refusing to remove $dir: not a build directory name"
    [[ "$(dirname -- "$dir")" == "$cache" ]] || die "refusing to remove $dir: not directly under $cache"
    [[ -d "$dir" && ! -L "$dir" ]] || return 0
    [[ "$(realpath -e "$dir")" == "$dir" ]] || die "refusing to remove $dir: path is not canonical"
    kill_rooted "$dir"
    while IFS= read -r mp; do
        [[ -n "$mp" ]] || continue
        log "unmounting $mp"
        umount -- "$mp" 2>/dev/null || umount -l -- "$mp" || die "cannot unmount $mp"
    done < <(mounts_under "$dir")
    [[ -z "$(mounts_under "$dir")" ]] || die "refusing to remove $dir: mounts remain below it"
    rm -rf --one-file-system -- "$dir"
}

# Print the first URI from the machine's apt sources that serves suite $1.
find_mirror() {
    local suite="$1" f out=""
    # one-line format: deb [opts] URI SUITE COMPONENTS...
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$f" && -z "$out" ]] || continue
        out="$(awk -v s="$suite" '$1 == "deb" {
            i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            if ($(i + 1) == s) { print $i; exit }
        }' "$f")"
    done
    # deb822 format: stanzas with Types / URIs / Suites
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" && -z "$out" ]] || continue
        out="$(awk -v s="$suite" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && enabled != "no") { split(uris, u, " "); print u[1]; found = 1; exit }
                types = ""; uris = ""; suites = ""; enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            tolower($1) == "types:"   { $1 = ""; types = $0; sub(/^ +/, "", types) }
            tolower($1) == "uris:"    { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
            tolower($1) == "suites:"  { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
            tolower($1) == "enabled:" { enabled = tolower($2) }
            END { if (!found) flush() }' "$f")"
    done
    [[ -n "$out" ]] || return 1
    printf '%s\n' "$out"
}

valid_url() { [[ "$1" =~ ^(https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/%+-]*)?|file:///[A-Za-z0-9._~/%+-]+)$ ]]; }

# ---------------------------------------------------------------- build

exec 9>"$cache/.lock"
flock -w 3600 9 || die "timed out waiting for another build (lock $cache/.lock)"

if is_complete "$final"; then
    log "reusing cached root (hash $hash)"
    printf '%s\n' "$final"
    exit 0
fi
if [[ -e "$final" ]]; then
    die "$final exists but has no $MARKER; it was not made by this script, remove it by hand"
fi

# We hold the lock: any other build directory is a leftover of an interrupted run.
for stale in "$cache"/.build-*; do
    [[ -d "$stale" ]] || continue
    log "removing leftover build directory $stale"
    safe_remove_build_dir "$stale"
done

mirror="${MDB_TEST_MIRROR:-$(find_mirror "$SUITE" || true)}"
[[ -n "$mirror" ]] || die "no $SUITE mirror found in /etc/apt/sources.list(.d); set MDB_TEST_MIRROR"
mirror="${mirror%/}"
valid_url "$mirror" || die "unsupported mirror URL: $mirror"
security="${MDB_TEST_SECURITY_MIRROR:-$(find_mirror "$SUITE-security" || true)}"
security="${security%/}"
if [[ -n "$security" ]]; then valid_url "$security" || die "unsupported security mirror URL: $security"; fi

tmp="$(mktemp -d "$cache/.build-$SUITE-$hash.XXXXXX")"
chmod 0755 -- "$tmp"
done_ok=0
child=0
# Run a long step as its own process group in the background, so that INT/TERM
# interrupt the wait at once (bash defers traps while a foreground command runs,
# and apt-get ignores SIGINT while dpkg works) and the whole group can be killed.
run_child() {
    setsid "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=0
    return "$rc"
}
on_exit() {
    local rc=$?
    if (( child > 0 )); then
        kill -TERM -- "-$child" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 -- "-$child" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$child" 2>/dev/null || true
    fi
    if [[ "$done_ok" != 1 ]]; then
        log "build failed or interrupted (exit $rc); removing $tmp"
        safe_remove_build_dir "$tmp" || true
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$SECONDS
log "debootstrap $SUITE from $mirror into $tmp"
run_child debootstrap --variant=minbase --components=main "$SUITE" "$tmp" "$mirror" >&2
log "debootstrap done after $((SECONDS - start))s"

# No service may start inside the chroot, neither during this build nor later.
cat >"$tmp/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# mdb-hardening test root: never start services from maintainer scripts.
exit 101
EOF
chmod 0755 "$tmp/usr/sbin/policy-rc.d"

# Keep the root small: no documentation, manual pages or translations from
# the packages installed below (copyright files stay).
cat >"$tmp/etc/dpkg/dpkg.cfg.d/01-mdb-test-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF

{
    printf 'deb %s %s main\n' "$mirror" "$SUITE"
    printf 'deb %s %s-updates main\n' "$mirror" "$SUITE"
    if [[ -n "$security" ]]; then printf 'deb %s %s-security main\n' "$security" "$SUITE"; fi
} >"$tmp/etc/apt/sources.list"
cp -L /etc/resolv.conf "$tmp/etc/resolv.conf"
printf 'mdb-test\n' >"$tmp/etc/hostname"

mount -t proc proc "$tmp/proc"
in_root() { chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"; }
run_child chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
    apt-get -q update >&2
run_child chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
    apt-get -q -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install "${PACKAGES[@]}" >&2

# Check every requested package really is installed and configured.
for pkg in "${PACKAGES[@]}"; do
    status="$(in_root dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || die "package $pkg not installed in the root (status: ${status:-none})"
done
for f in usr/sbin/sshd usr/sbin/nft usr/bin/ip usr/bin/systemctl usr/sbin/useradd usr/bin/setpriv usr/bin/sudo; do
    [[ -x "$tmp/$f" ]] || die "missing /$f in the root"
done
gtm_dist="$(find "$tmp/usr/lib" -mindepth 3 -maxdepth 4 -path '*/fis-gtm/*' -name mumps -type f -printf '%h\n' | head -n1)"
[[ -n "$gtm_dist" && -f "$gtm_dist/libgtmutil.so" && -f "$gtm_dist/gtmsecshr" ]] || die "fis-gtm distribution not found in the root"

# Any daemon started despite policy-rc.d would keep the root busy.
kill_rooted "$tmp"
umount -- "$tmp/proc"

# Shrink and depersonalise: no package lists, no archives, no host keys (the
# harness generates fresh keys per test), no machine id.
in_root apt-get -q clean >&2 || true
rm -rf -- "$tmp/var/lib/apt/lists/"* "$tmp/var/cache/apt/"*.bin
rm -f -- "$tmp"/etc/ssh/ssh_host_*
: >"$tmp/etc/machine-id"
rm -f -- "$tmp/var/lib/dbus/machine-id"

{
    printf 'suite=%s\n' "$SUITE"
    printf 'hash=%s\n' "$hash"
    printf 'mirror=%s\n' "$mirror"
    printf 'gtm_dist=%s\n' "${gtm_dist#"$tmp"}"
    printf 'packages=%s\n' "${PACKAGES[*]}"
    printf 'built=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$tmp/$MARKER"

size="$(du -sxh -- "$tmp" | cut -f1)"
[[ -z "$(mounts_under "$tmp")" ]] || die "mounts remain below $tmp"
mv -T -- "$tmp" "$final"
done_ok=1
trap - EXIT INT TERM
log "built $final in $((SECONDS - start))s, size $size"
printf '%s\n' "$final"
