#!/usr/bin/env bash
# Checks the installers that packaging/jpackage.sh built, as CI does (.ci/run) and as a developer
# can: packaging/check-deb.sh [VERSION]   (as root; VERSION defaults to the built one)
#  1. the desktop entry and the AppStream metainfo in resources/ validate;
#  2. the .deb declares its run-time dependencies and holds the launcher, /usr/bin/kclone, the
#     desktop entry, every icon, the metainfo and the polkit policy (the .rpm too, where built);
#  3. it installs with apt-get; `kclone --version` from PATH prints the project's version,
#     `kclone list` runs, the launcher uses its CDS archives without a word on stderr (also moved
#     elsewhere, where kclone's archive does not fit), the installed desktop entry validates and its Icon and Exec resolve,
#     the runtime holds JavaFX and the JDK modules kclone uses, and (where Xvfb and xdotool are)
#     the window opens with the WM_CLASS that the desktop entry's StartupWMClass names and
#     without JavaFX's "unnamed module" warning;
#  4. `apt-get remove kclone` leaves none of its files behind.
# Needs: dpkg-deb, apt-get, desktop-file-validate (desktop-file-utils), appstreamcli (appstream);
# for the window check Xvfb (xvfb) and xdotool. Refuses to start when kclone is installed already.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
ok() { echo "check-deb: ok: $*"; }

version=${1:-$(sed -n 's/^version=//p' target/classes/org/kclone/version.properties 2>/dev/null || true)}
[ -n "$version" ] || fail "no version given and none built (target/classes/org/kclone/version.properties)"
debs=(target/installers/kclone_*.deb)
[ -f "${debs[0]}" ] || fail "no .deb in target/installers: build it first (mvn -B -DskipTests -Pinstallers package)"
[ ${#debs[@]} = 1 ] || fail "more than one .deb in target/installers: ${debs[*]}"
deb=${debs[0]}
[ "$(id -u)" = 0 ] || fail "installing the .deb needs root"
installed() { [ "$(dpkg-query -W -f '${Status}' kclone 2>/dev/null || true)" = "install ok installed" ]; }
if installed; then
  fail "kclone is installed on this machine already; remove it first (apt-get remove kclone): this check installs and removes it"
fi

# 1. The files in resources/.
desktop-file-validate resources/org.kclone.kclone.desktop || fail "desktop-file-validate resources/org.kclone.kclone.desktop"
appstreamcli validate --no-net resources/org.kclone.kclone.metainfo.xml || fail "appstreamcli validate resources/org.kclone.kclone.metainfo.xml"
ok "desktop entry and metainfo validate"

# 2. What the .deb declares and holds.
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libgtk-3-0 util-linux pkexec; do
  grep -Eq "[ ,|]$dep[ ,(|]" <<<", $depends," || fail "$deb does not depend on $dep (Depends: $depends)"
done
ok "Depends names libgtk-3-0, util-linux, pkexec"
contents=$(dpkg-deb -c "$deb")
paths=$(awk '{print $6}' <<<"$contents")
share=./usr/share
expected=(./opt/kclone/bin/kclone ./usr/bin/kclone "$share/applications/org.kclone.kclone.desktop"
  "$share/metainfo/org.kclone.kclone.metainfo.xml" "$share/polkit-1/actions/org.kclone.helper.policy"
  "$share/icons/hicolor/scalable/apps/org.kclone.kclone.svg")
for n in 16 24 32 48 64 128 256 512; do
  expected+=("$share/icons/hicolor/${n}x$n/apps/org.kclone.kclone.png")
done
for path in "${expected[@]}"; do
  grep -qxF "$path" <<<"$paths" || fail "$deb does not hold $path"
done
grep -qF './usr/bin/kclone -> /opt/kclone/bin/kclone' <<<"$contents" || fail "/usr/bin/kclone is not a link to /opt/kclone/bin/kclone"
ok "the .deb holds the launcher, /usr/bin/kclone, the desktop entry, ${#expected[@]} files in all"

rpms=(target/installers/kclone-*.rpm)
if [ -f "${rpms[0]}" ] && command -v rpm >/dev/null 2>&1; then
  requires=$(rpm -qpR "${rpms[0]}" 2>/dev/null)
  for dep in gtk3 util-linux polkit; do
    grep -qx "$dep" <<<"$requires" || fail "${rpms[0]} does not require $dep"
  done
  files=$(rpm -qpl "${rpms[0]}" 2>/dev/null)
  for path in "${expected[@]}"; do
    grep -qxF "${path#.}" <<<"$files" || fail "${rpms[0]} does not hold ${path#.}"
  done
  ok "the .rpm requires gtk3, util-linux, polkit and holds the same files"
  # kclone's CDS archive holds only for jars of the size and time they had when it was made
  while read -r path size mtime _; do
    case "$path" in
      /opt/kclone/lib/app/*.jar)
        made=target/installers/kclone/${path#/opt/kclone/}
        [ "$size $mtime" = "$(stat -c '%s %Y' "$made")" ] || fail "${rpms[0]} holds $path with size and time $size $mtime, not those of $made"
        ;;
    esac
  done < <(rpm -qp --dump "${rpms[0]}" 2>/dev/null)
  ok "the .rpm's jars have the app-image's sizes and times (kclone's CDS archive holds for them)"
else
  echo "check-deb: no .rpm built (or no rpm tool): .rpm not checked"
fi

# 3. Installed as a user would.
list=$(mktemp /tmp/kclone-check-deb.XXXXXX)
xvfb_pid=
app_pid=
cleanup() {
  [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
  [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
  if installed; then
    echo "check-deb: removing kclone after a failed check"
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq kclone >/dev/null 2>&1 || true
  fi
  rm -rf "$list" "$list".*
}
trap cleanup EXIT
install_deb() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$top/$deb" >"$list.apt" 2>&1; }
if ! install_deb; then
  # The dependencies come from the Debian archive: a machine whose package lists are old or empty
  # needs them read first.
  apt-get update -qq >/dev/null 2>&1 || true
  install_deb || { cat "$list.apt" >&2; fail "apt-get install $deb"; }
fi
ok "apt-get install $deb"
dpkg -L kclone > "$list"

[ "$(command -v kclone)" = /usr/bin/kclone ] || fail "kclone on PATH is '$(command -v kclone || true)', not /usr/bin/kclone"
got=$(kclone --version) || fail "kclone --version exited $?"
[ "$got" = "kclone $version" ] || fail "kclone --version printed '$got', the project is $version"
ok "kclone --version from PATH: $got"
kclone list >/dev/null || fail "kclone list exited $?"
ok "kclone list"

# The class-data sharing archives (packaging/cds-archive.sh): the runtime's own and kclone's, which
# the launcher maps (-Xshare:on makes a JVM fail where it cannot), and no word about CDS from it,
# nor from the app-image moved elsewhere (where kclone's archive does not fit) or from a `java -cp`
# JVM of the runtime (JobLauncher's helper, run from an unpacked tarball).
[ -s /opt/kclone/lib/runtime/lib/server/classes.jsa ] || fail "no CDS archive of the runtime"
# kclone's own archive is made in a mount namespace (cds-archive.sh): a build machine without one
# (a container that may not unshare) makes a package without it, which then runs on the runtime's
if [ -s /opt/kclone/lib/app/kclone.jsa ]; then
  _JAVA_OPTIONS=-Xshare:on kclone --version >"$list.out" 2>&1 || { cat "$list.out" >&2; fail "the launcher cannot use its CDS archive (-Xshare:on)"; }
  _JAVA_OPTIONS=-Xlog:class+load=info kclone --version >"$list.out" 2>/dev/null || fail "kclone --version with -Xlog:class+load exited $?"
  grep -q 'org\.kclone\.Main source: shared objects file' "$list.out" || fail "org.kclone.Main is not loaded from kclone's CDS archive"
elif unshare --mount --propagation private true 2>/dev/null; then
  fail "no CDS archive /opt/kclone/lib/app/kclone.jsa, though this machine has mount namespaces"
else
  echo "check-deb.sh: no kclone.jsa (this build machine has no mount namespace for cds-archive.sh): its checks skipped"
fi
err=$(kclone --version 2>&1 >/dev/null) || fail "kclone --version exited $?"
[ -z "$err" ] || fail "kclone --version wrote to stderr: $err"
cp -a /opt/kclone "$list.moved"
got=$("$list.moved/bin/kclone" --version 2>"$list.err") || { cat "$list.err" >&2; fail "the moved app-image's kclone --version exited $?"; }
[ "$got" = "kclone $version" ] && [ ! -s "$list.err" ] || { cat "$list.err" >&2; fail "the moved app-image's kclone --version printed '$got' and the above on stderr"; }
cp=$(sed -n 's|^app.classpath=\$APPDIR|/opt/kclone/lib/app|p' /opt/kclone/lib/app/kclone.cfg | paste -sd:)
got=$(/opt/kclone/lib/runtime/bin/java -cp "$cp" org.kclone.Main --version 2>"$list.err") || { cat "$list.err" >&2; fail "java -cp ... org.kclone.Main --version exited $?"; }
[ "$got" = "kclone $version" ] && [ ! -s "$list.err" ] || { cat "$list.err" >&2; fail "java -cp ... org.kclone.Main --version printed '$got' and the above on stderr"; }
rm -rf "$list.moved"
ok "CDS archives installed and used; no CDS warning from the launcher, a moved copy or java -cp"

entry=/usr/share/applications/org.kclone.kclone.desktop
desktop-file-validate "$entry" || fail "desktop-file-validate $entry"
appstreamcli validate --no-net /usr/share/metainfo/org.kclone.kclone.metainfo.xml || fail "appstreamcli validate (installed)"
exec_cmd=$(sed -n 's/^Exec=//p' "$entry" | cut -d' ' -f1)
command -v "$exec_cmd" >/dev/null || fail "the desktop entry's Exec=$exec_cmd is not on PATH"
icon=$(sed -n 's/^Icon=//p' "$entry")
for n in 48x48 scalable; do
  ls /usr/share/icons/hicolor/$n/apps/"$icon".* >/dev/null 2>&1 || fail "no $n icon named $icon (the desktop entry's Icon)"
done
ok "installed desktop entry validates; Exec=$exec_cmd and Icon=$icon resolve"

modules=$(sed -n 's/^MODULES=//p' /opt/kclone/lib/runtime/release)
for m in javafx.controls java.management jdk.management jdk.unsupported; do
  grep -q " $m " <<<" ${modules//\"/} " || fail "the runtime lacks module $m (MODULES=$modules)"
done
ok "the runtime holds javafx.controls, java.management, jdk.management, jdk.unsupported"

wmclass=$(sed -n 's/^StartupWMClass=//p' "$entry")
if command -v Xvfb >/dev/null 2>&1 && command -v xdotool >/dev/null 2>&1; then
  # Xvfb picks a free display and writes its number once it accepts clients (-displayfd).
  mkfifo "$list.displayfd"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$list.displayfd" >/dev/null 2>&1 &
  xvfb_pid=$!
  read -r -t 30 number <"$list.displayfd" || fail "Xvfb did not start within 30 s"
  display=:$number
  # The window as a user's menu starts it: the command, no arguments. Wait for a window of the
  # class the desktop entry names (that is what makes the dock show kclone's icon).
  DISPLAY=$display HOME="$(mktemp -d "$list.home.XXXXXX")" kclone >"$list.window" 2>&1 &
  app_pid=$!
  timeout 90 env DISPLAY="$display" xdotool search --sync --onlyvisible --class "$wmclass" >/dev/null \
    || { cat "$list.window" >&2; fail "no visible window of class '$wmclass' (StartupWMClass) within 90 s"; }
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
  kill "$xvfb_pid"; wait "$xvfb_pid" 2>/dev/null || true; xvfb_pid=
  if grep -q 'unnamed module' "$list.window"; then cat "$list.window" >&2; fail "JavaFX warns about the unnamed module"; fi
  if grep -q 'Exception' "$list.window"; then cat "$list.window" >&2; fail "the window printed an exception"; fi
  ok "the window opens with WM_CLASS $wmclass, without JavaFX's unnamed-module warning"
else
  echo "check-deb: no Xvfb or xdotool (packages xvfb, xdotool): the window was not opened"
fi

# 4. Removed, nothing left.
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq kclone >/dev/null || fail "apt-get remove kclone"
left=()
while IFS= read -r path; do
  # Only kclone's own paths: the folders it shares with other packages (/usr/share/icons/...) stay.
  case "$path" in
    *kclone*) if [ -e "$path" ] || [ -L "$path" ]; then left+=("$path"); fi ;;
  esac
done < "$list"
[ ${#left[@]} = 0 ] || fail "apt-get remove left ${#left[@]} paths behind, first: ${left[0]}"
[ ! -e /opt/kclone ] || fail "/opt/kclone is still there after apt-get remove"
hash -r
! command -v kclone >/dev/null 2>&1 || fail "kclone is still on PATH after apt-get remove: $(command -v kclone)"
status=$(dpkg-query -W -f '${Status}' kclone 2>/dev/null || true)
case "$status" in
  ""|*" not-installed") ;;
  *) fail "dpkg still lists kclone after apt-get remove ($status)" ;;
esac
ok "apt-get remove kclone: none of its $(grep -c . "$list") paths is left"
echo "check-deb: all checks passed"
