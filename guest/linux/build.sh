#!/usr/bin/env bash
# Builds the Linux guest for xvm's system tests: a riscv64 kernel `Image`
# (Debian's linux-source-6.1 + guest/linux/kernel.config on top of tinyconfig)
# and a gzip'd cpio initramfs (Debian's busybox source, static, plus
# guest/linux/init and guest/linux/tests/*.sh).
#
# Results are cached in ${XVM_GUEST_CACHE:-/var/cache/xvm/guest}/<key>/, where
# <key> hashes this script, the config fragment, init, the tests and the
# versions of the source packages and the cross toolchain. A re-run with
# nothing changed is instant. The build happens in a temporary directory
# beside the cache and is moved into place at the end, so an interrupted build
# leaves nothing half-made behind.
#
#   guest/linux/build.sh                build if needed; print the two paths
#   guest/linux/build.sh --print-paths  print the two paths without building;
#                                       exit 1 if the guest is not built
#   guest/linux/build.sh --force        rebuild even if cached
#
# Output on stdout: two lines, the kernel Image path then the initramfs path.
# Progress goes to stderr. Environment: XVM_GUEST_CACHE (cache directory),
# XVM_GUEST_JOBS (make -j, default 2), XVM_GUEST_KEEP (cached builds kept,
# default 4), XVM_GUEST_KEEP_TMP=1 (keep the build directory, for debugging).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${XVM_GUEST_CACHE:-/var/cache/xvm/guest}
JOBS=${XVM_GUEST_JOBS:-2}
LINUX_PKG=linux-source-6.1
BUSYBOX_PKG=busybox
CROSS=riscv64-linux-gnu-
NSTEPS=5
KEEP=${XVM_GUEST_KEEP:-4}   # cached builds kept (newest first)

PACKAGES=(
  make gcc libc6-dev bc bison flex libssl-dev libelf-dev cpio xz-utils gzip
  dpkg-dev "$LINUX_PKG"
  gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu libc6-dev-riscv64-cross
)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

mode=build
force=0
for arg in "$@"; do
  case "$arg" in
    --print-paths) mode=print ;;
    --force) force=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '[%s/%s] %s\n' "$1" "$NSTEPS" "$2" >&2; }
info() { printf '      %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

installed_version() {
  local st
  st=$(dpkg-query -W -f='${Status}|${Version}' "$1" 2>/dev/null) || return 0
  case "$st" in "install ok installed|"*) echo "${st#*|}" ;; esac
}
candidate_version() {
  apt-cache policy "$1" 2>/dev/null | awk '/^  Candidate:/ { if ($2 != "(none)") print $2 }'
}

# Source package version that the candidate busybox binary was built from
# (a binNMU like 1:1.35.0-4+deb12u1+b1 comes from source 1:1.35.0-4+deb12u1).
busybox_source_version() {
  apt-cache show --no-all-versions "$BUSYBOX_PKG" 2>/dev/null | awk '
    /^Version:/ { bin = $2 }
    /^Source:/ && $3 ~ /^\(/ { src = $3; gsub(/[()]/, "", src) }
    END { if (src != "") print src; else if (bin != "") print bin }'
}

linux_version() {
  local v
  v=$(installed_version "$LINUX_PKG")
  [ -n "$v" ] || v=$(candidate_version "$LINUX_PKG")
  echo "$v"
}

# The cache key: every input that changes what gets built.
# Sets LINUX_VERSION, BUSYBOX_VERSION and KEY (not in a subshell).
compute_key() {
  LINUX_VERSION=$(linux_version)
  BUSYBOX_VERSION=$(busybox_source_version)
  [ -n "$LINUX_VERSION" ] || { echo "build.sh: no version of $LINUX_PKG known (run apt-get update)" >&2; return 1; }
  [ -n "$BUSYBOX_VERSION" ] || { echo "build.sh: no version of $BUSYBOX_PKG known (run apt-get update)" >&2; return 1; }
  KEY=$(key_inputs | sha256sum | cut -c1-16)
}
key_inputs() {
  {
    echo "linux-source $LINUX_VERSION"
    echo "busybox-source $BUSYBOX_VERSION"
    echo "gcc-riscv64-linux-gnu $(installed_version gcc-riscv64-linux-gnu)"
    echo "libc6-dev-riscv64-cross $(installed_version libc6-dev-riscv64-cross)"
    (cd "$HERE" && sha256sum build.sh kernel.config init $(ls tests/* | LC_ALL=C sort))
  }
}

print_paths() {
  echo "$1/Image"
  echo "$1/initramfs.cpio.gz"
}

is_built() { [ -f "$1/Image" ] && [ -f "$1/initramfs.cpio.gz" ] && [ -f "$1/manifest" ]; }

if [ "$mode" = print ]; then
  compute_key || exit 1
  key=$KEY
  out="$CACHE/$key"
  is_built "$out" || { echo "build.sh: guest not built (expected $out); run $0" >&2; exit 1; }
  print_paths "$out"
  exit 0
fi

# ---------------------------------------------------------------- [1/5]
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  info "apt-get update"
  as_root apt-get update -qq >&2
  apt_updated=1
}

# One dpkg-query for all of them (this runs on every call, cached or not).
mapfile -t missing < <(
  dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
    awk '$NF == "installed" { ok[$1] = 1 }
         END { n = split(want, w, " "); for (i = 1; i <= n; i++) if (!ok[w[i]]) print w[i] }' \
      want="${PACKAGES[*]}")
if [ ${#missing[@]} -gt 0 ]; then
  step 1 "installing ${missing[*]}"
  [ -n "$(candidate_version "${missing[0]}")" ] || apt_update
  aptlog=$(mktemp /tmp/xvm-guest-apt.XXXXXX.log)
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    die "apt-get install failed (log: $aptlog)"
  fi
  rm -f "$aptlog"
else
  step 1 "build packages present"
fi
if ! compute_key 2>/dev/null; then
  apt_update
  compute_key || die "cannot compute the cache key"
fi
key=$KEY
out="$CACHE/$key"

if [ "$force" = 0 ] && is_built "$out"; then
  step 5 "cached: $out (linux-source $LINUX_VERSION, busybox $BUSYBOX_VERSION)"
  print_paths "$out"
  exit 0
fi

as_root mkdir -p "$CACHE"
[ -w "$CACHE" ] || die "$CACHE is not writable (set XVM_GUEST_CACHE)"

# One build at a time per cache; a second caller waits and then finds the
# result cached.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  info "another build holds $CACHE/.lock; waiting"
  flock 9
fi
if [ "$force" = 0 ] && is_built "$out"; then
  step 5 "cached: $out"
  print_paths "$out"
  exit 0
fi
# Holding the lock, any leftover build directory is from an interrupted run.
rm -rf "$CACHE"/.tmp-* 2>/dev/null || true

tmp=$(mktemp -d "$CACHE/.tmp-$key.XXXXXX")
cleanup() {
  if [ "${XVM_GUEST_KEEP_TMP:-0}" = 1 ]; then
    info "kept build directory $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Runs a build command with its output in a log; on failure shows the tail.
logged() {
  local log=$1; shift
  if ! "$@" >>"$log" 2>&1; then
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
    die "failed: $* (XVM_GUEST_KEEP_TMP=1 keeps the build directory)"
  fi
}

t_start=$SECONDS

# ---------------------------------------------------------------- [2/5]
step 2 "fetching $LINUX_PKG $LINUX_VERSION and busybox source $BUSYBOX_VERSION"
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.* (is $LINUX_PKG installed?)"
info "unpacking $tarball"
tar -xf "$tarball" -C "$tmp"
ksrc="$tmp/linux-source-6.1"
[ -f "$ksrc/Makefile" ] || die "unexpected layout in $tarball"

has_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && grep -qE '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -qiE '^Types:.*deb-src' "$f" && return 0
  done
  return 1
}

# Adds deb-src entries mirroring the enabled `deb` entries for this Debian
# release (same URIs, suites <codename>*, same components), in a file of its own.
add_deb_src() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || die "cannot tell the Debian release (VERSION_CODENAME in /etc/os-release)"
  local f list="" sources=""
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    list+=$(awk -v c="$codename" '
      $1 == "deb" { n = 2; if ($2 ~ /^\[/) { while ($n !~ /\]$/) n++; n++ }
                    if ($(n + 1) ~ "^" c) { $1 = "deb-src"; print } }' "$f")$'\n'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sources+=$(awk -v c="$codename" '
      function flush(   i, n, s, out) {
        if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled !~ /^[Nn]o/ && uris != "") {
          n = split(suites, s, /[[:space:]]+/); out = ""
          for (i = 1; i <= n; i++) if (s[i] ~ "^" c) out = out " " s[i]
          if (out != "") {
            print "Types: deb-src"; print "URIs:" uris; print "Suites:" out
            print "Components:" comps; if (signed != "") print "Signed-By:" signed; print ""
          }
        }
        types = uris = suites = comps = signed = enabled = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^#/ { next }
      { key = tolower($1); val = $0; sub(/^[^:]*:/, "", val) }
      key == "types:" { types = val } key == "uris:" { uris = val }
      key == "suites:" { suites = val } key == "components:" { comps = val }
      key == "signed-by:" { signed = val } key == "enabled:" { enabled = val }
      END { flush() }' "$f")$'\n'
  done
  if [ -n "${sources//[[:space:]]/}" ]; then
    info "adding deb-src entries: /etc/apt/sources.list.d/xvm-deb-src.sources"
    printf '# Added by xvm guest/linux/build.sh for `apt-get source busybox`.\n%s' "$sources" |
      as_root tee /etc/apt/sources.list.d/xvm-deb-src.sources >/dev/null
  elif [ -n "${list//[[:space:]]/}" ]; then
    info "adding deb-src entries: /etc/apt/sources.list.d/xvm-deb-src.list"
    printf '# Added by xvm guest/linux/build.sh for `apt-get source busybox`.\n%s' "$list" |
      as_root tee /etc/apt/sources.list.d/xvm-deb-src.list >/dev/null
  else
    die "no enabled 'deb' entry for $codename in /etc/apt/sources.list(.d) to mirror as deb-src"
  fi
  apt_updated=0
  apt_update
}

if ! has_deb_src; then
  add_deb_src
fi
info "apt-get source $BUSYBOX_PKG=$BUSYBOX_VERSION"
if ! (cd "$tmp" && apt-get source -qq "$BUSYBOX_PKG=$BUSYBOX_VERSION" >"$tmp/busybox-source.log" 2>&1); then
  # The source lists may be older than the binary ones.
  apt_updated=0
  apt_update
  (cd "$tmp" && apt-get source -qq "$BUSYBOX_PKG=$BUSYBOX_VERSION" >"$tmp/busybox-source.log" 2>&1) || {
    tail -n 20 "$tmp/busybox-source.log" >&2
    die "apt-get source $BUSYBOX_PKG=$BUSYBOX_VERSION failed"
  }
fi
bbsrc=$(ls -d "$tmp"/busybox-*/ 2>/dev/null | head -n1)
[ -n "$bbsrc" ] && [ -f "$bbsrc/Makefile" ] || die "apt-get source produced no busybox tree"
bbsrc=${bbsrc%/}
t_fetch=$((SECONDS - t_start))

# ---------------------------------------------------------------- [3/5]
step 3 "building kernel Image (make -j$JOBS; log: $tmp/kernel-build.log)"
t0=$SECONDS
export ARCH=riscv CROSS_COMPILE=$CROSS
# Fixed build identity, so that the same inputs give the same Image.
export KBUILD_BUILD_USER=xvm KBUILD_BUILD_HOST=xvm KBUILD_BUILD_VERSION=1
export KBUILD_BUILD_TIMESTAMP="Mon Jan  1 00:00:00 UTC 2024"
klog="$tmp/kernel-build.log"
logged "$klog" make -C "$ksrc" tinyconfig
logged "$klog" env -C "$ksrc" scripts/kconfig/merge_config.sh -m .config "$HERE/kernel.config"
logged "$klog" make -C "$ksrc" olddefconfig
# Kconfig silently drops symbols whose dependencies are unmet: insist that
# every line of the fragment made it into the final .config.
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) sym=${line%%=*} ;;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
    *) continue ;;
  esac
  actual=$(grep -E "^(# )?$sym[= ]" "$ksrc/.config" || true)
  if [ "$line" = "# $sym is not set" ]; then
    [ -z "$actual" ] || [ "$actual" = "$line" ] || { echo "  $sym: wanted unset, got '$actual'" >&2; bad=1; }
  elif [ "$actual" != "$line" ]; then
    echo "  $sym: wanted '$line', got '${actual:-<absent>}'" >&2; bad=1
  fi
done <"$HERE/kernel.config"
[ "$bad" = 0 ] || die "kernel.config fragment not honoured by Kconfig (see above)"
logged "$klog" make -C "$ksrc" -j"$JOBS" Image
t_kernel=$((SECONDS - t0))
info "kernel built in ${t_kernel}s"

# ---------------------------------------------------------------- [4/5]
step 4 "building static busybox (make -j$JOBS; log: $tmp/busybox-build.log)"
t0=$SECONDS
unset ARCH
blog="$tmp/busybox-build.log"
logged "$blog" make -C "$bbsrc" defconfig
# Options changed from defconfig; see README.md for why each one.
bb_set() {  # NAME y|n|"string"
  local name=CONFIG_$1 val=$2 cfg="$bbsrc/.config"
  sed -i -e "/^$name=/d" -e "/^# $name is not set/d" "$cfg"
  if [ "$val" = n ]; then echo "# $name is not set" >>"$cfg"; else echo "$name=$val" >>"$cfg"; fi
}
bb_set STATIC y
bb_set CROSS_COMPILER_PREFIX "\"$CROSS\""
# Nothing else needs disabling with Debian 12's riscv64 cross toolchain and
# headers (linux-libc-dev-riscv64-cross 6.1). Newer kernel headers drop the
# CBQ definitions that busybox 1.35's `tc` uses; if this tree ever meets them:
#   bb_set TC n
logged "$blog" make -C "$bbsrc" oldconfig < <(yes "")
logged "$blog" make -C "$bbsrc" -j"$JOBS" CROSS_COMPILE="$CROSS" busybox
logged "$blog" make -C "$bbsrc" busybox.links
if "${CROSS}readelf" -lW "$bbsrc/busybox" | grep -qE '^[[:space:]]*(INTERP|DYNAMIC)[[:space:]]'; then
  die "busybox is not a static binary"
fi
t_busybox=$((SECONDS - t0))
info "busybox built in ${t_busybox}s ($(wc -l <"$bbsrc/busybox.links") applet links)"

# ---------------------------------------------------------------- [5/5]
step 5 "making initramfs and storing in $out"
t0=$SECONDS
gen="$tmp/gen_init_cpio"
logged "$klog" gcc -O2 -o "$gen" "$ksrc/usr/gen_init_cpio.c"
list="$tmp/initramfs.list"
cat >"$tmp/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PS1='xvm:\w\$ '
EOF
{
  for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /etc /mnt /tests; do
    echo "dir $d 755 0 0"
  done
  echo "nod /dev/console 600 0 0 c 5 1"
  echo "nod /dev/null 666 0 0 c 1 3"
  echo "file /bin/busybox $bbsrc/busybox 755 0 0"
  echo "file /init $HERE/init 755 0 0"
  echo "file /etc/profile $tmp/profile 644 0 0"
  for t in "$HERE"/tests/*.sh; do
    echo "file /tests/$(basename "$t") $t 644 0 0"
  done
  LC_ALL=C sort -u "$bbsrc/busybox.links" | while IFS= read -r link; do
    [ "$link" = /bin/busybox ] && continue
    echo "slink $link /bin/busybox 777 0 0"
  done
} >"$list"
# -t: fixed mtimes, so the same inputs give the same archive.
"$gen" -t 1704067200 "$list" | gzip -9 -n >"$tmp/initramfs.cpio.gz"

stage="$tmp/out"
mkdir "$stage"
cp "$ksrc/arch/riscv/boot/Image" "$stage/Image"
cp "$ksrc/vmlinux" "$stage/vmlinux"
cp "$ksrc/System.map" "$stage/System.map"
cp "$ksrc/.config" "$stage/kernel.config"
cp "$bbsrc/busybox" "$stage/busybox"
cp "$bbsrc/.config" "$stage/busybox.config"
mv "$tmp/initramfs.cpio.gz" "$stage/"
cp "$list" "$stage/initramfs.list"
kver=$(make -s -C "$ksrc" kernelrelease 2>/dev/null || echo unknown)
t_initramfs=$((SECONDS - t0))
{
  echo "key $key"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n) with make -j$JOBS"
  echo "linux-source $LINUX_VERSION (kernel $kver)"
  echo "busybox-source $BUSYBOX_VERSION"
  echo "gcc-riscv64-linux-gnu $(installed_version gcc-riscv64-linux-gnu)"
  echo "libc6-dev-riscv64-cross $(installed_version libc6-dev-riscv64-cross)"
  echo "seconds fetch=$t_fetch kernel=$t_kernel busybox=$t_busybox initramfs=$t_initramfs total=$((SECONDS - t_start))"
  echo "bytes Image=$(stat -c %s "$stage/Image") initramfs.cpio.gz=$(stat -c %s "$stage/initramfs.cpio.gz") busybox=$(stat -c %s "$stage/busybox")"
} >"$stage/manifest"

rm -rf "$out"
mv "$stage" "$out"
ln -sfn "$key" "$CACHE/.latest.tmp" && mv -T "$CACHE/.latest.tmp" "$CACHE/latest"
# Keep the newest few builds (other branches may use other keys).
ls -dt "$CACHE"/[0-9a-f]*/ 2>/dev/null | tail -n +$((KEEP + 1)) | xargs -r rm -rf
sed 's/^/      /' "$out/manifest" >&2
step 5 "done in $((SECONDS - t_start))s"
print_paths "$out"
