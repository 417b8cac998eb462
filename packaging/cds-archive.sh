#!/usr/bin/env bash
# Gives the app-image a class-data sharing (AppCDS) archive of the classes kclone's commands load,
# JDK and kclone's own: lib/app/kclone.jsa, used through the launcher's
#   -Xshare:auto -XX:SharedArchiveFile=$APPDIR/kclone.jsa -Xlog:cds*=off
# Every kclone command is a fresh JVM: with the archive it maps those classes instead of loading,
# parsing and verifying them (measured in the README's "Installing" section).
# Run by packaging/jpackage.sh: packaging/cds-archive.sh APP_IMAGE INSTALL_DIR
#
# JDK 17 accepts an archive only on the class path it was made with, path for path, each jar with
# the size and time it had then. The packages install the app-image at INSTALL_DIR (/opt/kclone),
# so the training runs and the dump run there: in a mount namespace of their own (unshare) a tmpfs
# covers INSTALL_DIR's parent and the app-image is bound to INSTALL_DIR, so nothing on the machine
# is touched, and a kclone installed there stays unseen. dpkg and rpm keep the jars' times. Where
# the archive does not fit (the tarball unpacked elsewhere, a jar changed, a JVM with other
# settings) -Xshare:auto runs without it, silently (-Xlog:cds*=off keeps the JVM's CDS warnings
# off the terminal and off the JSON on stdout); the runtime's own archive (jlink
# --generate-cds-archive) still serves the JDK's classes then.
#
# Training (each its own JVM, their class lists merged): --version, --help, list, list --json and
# a verified copy of a 4 MiB image file to another, HOME (user.home, XDG_DATA_HOME and
# XDG_STATE_HOME: the log, the maps) in a temporary folder. A machine without
# unshare or mount namespaces gets no archive: this says so and the image is left as jpackage made it.
set -euo pipefail
image=$(cd "${1:?usage: packaging/cds-archive.sh APP_IMAGE INSTALL_DIR}" && pwd)
install_dir=${2:?usage: packaging/cds-archive.sh APP_IMAGE INSTALL_DIR}
name=$(basename "$install_dir")
cfg="$image/lib/app/$name.cfg"
[ -f "$cfg" ] && [ -x "$image/bin/$name" ] || { echo "cds-archive.sh: $image is no app-image of $name" >&2; exit 1; }

skip() { echo "cds-archive.sh: no application CDS archive ($*); the runtime's own archive stays"; exit 0; }
command -v unshare >/dev/null 2>&1 || skip "no unshare (package util-linux)"
ns=(unshare --mount --propagation private)
[ "$(id -u)" = 0 ] || ns+=(--map-root-user)
"${ns[@]}" true 2>/dev/null || skip "no mount namespace for this user"
[ -d "$(dirname "$install_dir")" ] || skip "no folder $(dirname "$install_dir") to cover"

work=$(mktemp -d /tmp/kclone-cds.XXXXXX)
original=$(cat "$cfg")
restore() { printf '%s\n' "$original" > "$cfg"; rm -rf "$work"; }
trap restore EXIT
mkdir "$work/home"
head -c 4194304 /dev/urandom > "$work/source.img"

# in_place JVM-OPTION... -- ARGUMENT...: runs the launcher at INSTALL_DIR in the namespace, with
# those JVM options added to its cfg, kclone getting the arguments. Its output goes to $work/log.
in_place() {
  { printf '%s\n' "$original"; while [ "$1" != -- ]; do printf 'java-options=%s\n' "$1"; shift; done; } > "$cfg"
  shift
  HOME="$work/home" XDG_DATA_HOME="$work/home/share" XDG_STATE_HOME="$work/home/state" "${ns[@]}" sh -c 'mount -t tmpfs tmpfs "$1" && mkdir "$2" && mount --bind "$3" "$2" && shift 3 && cd "$0" && exec "$@"' \
    "$work" "$(dirname "$install_dir")" "$install_dir" "$image" "$install_dir/bin/$name" "$@" >>"$work/log" 2>&1
}
n=0
train() {
  n=$((n + 1))
  # a command failing here (no lsblk on the build machine...) only leaves its classes out
  in_place "-XX:DumpLoadedClassList=$work/$n.classlist" "-Duser.home=$work/home" -- "$@" || echo "cds-archive.sh: training run '$*' exited $? (its classes are still listed)"
}
train --version
train --help
train list
train list --json
train copy source.img copy.img --yes --verify --json
# One list: each class once, in the order first loaded (the files' comment lines left out).
awk '!/^#/ && !seen[$0]++' "$work"/*.classlist > "$work/classes"
in_place "-Xshare:dump" "-XX:SharedClassListFile=$work/classes" "-XX:SharedArchiveFile=$install_dir/lib/app/$name.jsa" -- \
  || { tail -n 20 "$work/log" >&2; echo "cds-archive.sh: the dump failed" >&2; exit 1; }
[ -s "$image/lib/app/$name.jsa" ] || { tail -n 20 "$work/log" >&2; echo "cds-archive.sh: no archive written" >&2; exit 1; }

# restore (on exit) writes the cfg: with the options that use the archive
original+=$'\njava-options=-Xshare:auto\njava-options=-XX:SharedArchiveFile=$APPDIR/'"$name"$'.jsa\njava-options=-Xlog:cds*=off'
echo "cds-archive.sh: $(wc -l < "$work/classes") classes listed, lib/app/$name.jsa $(du -h "$image/lib/app/$name.jsa" | cut -f1)"
