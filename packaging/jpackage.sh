#!/usr/bin/env bash
# Builds kclone's installers into target/installers/ with the JDK's jpackage:
#   kclone/                          the app-image (launcher bin/kclone, jlinked runtime with JavaFX,
#                                    CDS archives: the runtime's and kclone's lib/app/kclone.jsa)
#   kclone-VERSION-linux-x64.tar.gz  the app-image as a tarball
#   kclone_VERSION-1_amd64.deb       the Debian package (installs to /opt/kclone)
#   kclone-VERSION-1.x86_64.rpm      the RPM package, where rpmbuild is present (Debian package rpm)
# Run by `mvn -B -DskipTests -Pinstallers package` (after the jar and target/lib are built), or by
# hand after `mvn -B -DskipTests package`: packaging/jpackage.sh VERSION [JDK_HOME]
#
# jpackage puts everything under its install folder (/opt/kclone), so both packages get the rest
# of their files here: /usr/bin/kclone (a link to the launcher), the desktop entry, the icons,
# the AppStream metainfo and the polkit policy, all from resources/. The .deb that jpackage builds
# is unpacked, given that tree and packed again; the .rpm gets it from its spec
# (packaging/rpm/kclone.spec). So dpkg and rpm own every file and remove every one of them, and
# no maintainer script has to create or delete anything.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
version=${1:?usage: packaging/jpackage.sh VERSION [JDK_HOME]}
jdk=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
jpackage="$jdk/bin/jpackage"
[ -x "$jpackage" ] || { echo "jpackage.sh: no jpackage in $jdk/bin (a full JDK 17+ is needed)" >&2; exit 1; }
# jpackage takes a version of digits and dots only: 0.1.0-SNAPSHOT is packaged as 0.1.0.
app_version=${version%%-*}

work=target/installers-work
out=target/installers
[ -f target/kclone.jar ] && [ -d target/lib ] || { echo "jpackage.sh: build the jar first (mvn -B -DskipTests package)" >&2; exit 1; }
rm -rf "$work" "$out"
mkdir -p "$work/input/lib" "$work/fx" "$out"

# The class path: kclone.jar and its libraries, without JavaFX. JavaFX goes on the module path,
# only the platform jars (*-linux.jar), not the empty ones without classifier.
cp target/kclone.jar "$work/input/"
find target/lib -name '*.jar' ! -name 'javafx-*' -exec cp {} "$work/input/lib/" \;
cp target/lib/javafx-*-linux.jar "$work/fx/"

# What both packages install outside /opt/kclone.
usr="$work/usr-tree"
install -d -m 755 "$usr/usr/bin" "$usr/usr/share/applications" "$usr/usr/share/metainfo" \
  "$usr/usr/share/polkit-1/actions" "$usr/usr/share/icons/hicolor/scalable/apps"
ln -s /opt/kclone/bin/kclone "$usr/usr/bin/kclone"
install -m 644 resources/org.kclone.kclone.desktop "$usr/usr/share/applications/"
install -m 644 resources/org.kclone.kclone.metainfo.xml "$usr/usr/share/metainfo/"
install -m 644 resources/org.kclone.helper.policy "$usr/usr/share/polkit-1/actions/"
install -m 644 resources/icons/org.kclone.kclone.svg "$usr/usr/share/icons/hicolor/scalable/apps/"
for png in resources/icons/org.kclone.kclone-*.png; do
  n=${png##*-}; n=${n%.png}
  install -d -m 755 "$usr/usr/share/icons/hicolor/${n}x$n/apps"
  install -m 644 "$png" "$usr/usr/share/icons/hicolor/${n}x$n/apps/org.kclone.kclone.png"
done

step() { local t0=$SECONDS; "$@"; echo "jpackage.sh: $(( SECONDS - t0 )) s"; }

echo "jpackage.sh: app-image ($jpackage, version $app_version)"
step "$jpackage" @packaging/app-image.options --type app-image --app-version "$app_version" \
  --input "$work/input" --module-path "$work/fx" --icon resources/icons/org.kclone.kclone-128.png \
  --dest "$out"
# JavaFX's native libraries, which a jlink from its jars leaves inside the javafx.graphics module,
# go beside the runtime's own: JavaFX loads them from there first. Otherwise every user's first
# start would unpack them into ~/.openjfx/cache.
mkdir -p "$work/fx-natives"
graphics=$(ls "$top/$work"/fx/javafx-graphics-*-linux.jar)
(cd "$work/fx-natives" && "$jdk/bin/jar" xf "$graphics")
find "$work/fx-natives" -maxdepth 1 -name '*.so' -exec install -m 755 {} "$out/kclone/lib/runtime/lib/" \;
# jlink's CDS archive for a JVM without compressed oops (heaps over 32 GB) is left out: 11 MB that
# a kclone JVM (its heap a quarter of the memory) uses only on machines of 128 GiB and more.
rm -f "$out/kclone/lib/runtime/lib/server/classes_nocoops.jsa"
# The application's class-data sharing archive, made where the packages install it (packaging/cds-archive.sh).
step bash packaging/cds-archive.sh "$out/kclone" /opt/kclone
step tar -czf "$out/kclone-$version-linux-x64.tar.gz" -C "$out" kclone

echo "jpackage.sh: .deb"
# jpackage's own .deb is only unpacked again: not compressing it saves most of its time.
step env DPKG_DEB_COMPRESSOR_TYPE=none "$jpackage" @packaging/deb.options --type deb --app-version "$app_version" \
  --app-image "$out/kclone" --dest "$work/deb"
deb=$(ls "$work"/deb/kclone_*.deb)
root="$work/deb-root"
dpkg-deb -R "$deb" "$root"
# jpackage copies the app-image into its package with new file times. kclone's CDS archive
# (lib/app/kclone.jsa) holds only for jars of the size and time they had when it was made (JDK 17
# checks): the files get the app-image's times back (the .rpm's spec does the same).
same_times() { (cd "$1" && find . -type f -exec touch -r '{}' "$2/{}" ';'); }
same_times "$out/kclone" "$top/$root/opt/kclone"
cp -a "$usr/." "$root/"
# jpackage's maintainer scripts do nothing here (no --linux-shortcut, no services): only their
# case skeleton. Left in, a removed kclone would stay in dpkg's list as "rc" until purged.
for script in preinst postinst prerm postrm; do
  f="$root/DEBIAN/$script"
  [ -f "$f" ] || continue
  extra=$(grep -vE '^\s*(#.*)?$' "$f" | grep -vE '^\s*(set -e|case "\$1" in|esac|;;|exit [01]|\*\)|[a-z|-]+\)|echo "[a-z]+ called with unknown argument.*)\s*$' || true)
  if [ -n "$extra" ]; then
    echo "jpackage.sh: jpackage's $script now does something ($extra); read it before dropping it: $f" >&2
    exit 1
  fi
  rm "$f"
done
sed -i "s/^Installed-Size:.*/Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)/" "$root/DEBIAN/control"
if [ -f "$root/DEBIAN/md5sums" ]; then
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
fi
step dpkg-deb --root-owner-group -b "$root" "$out/$(basename "$deb")"
rm -rf "$root"

if command -v rpmbuild >/dev/null 2>&1; then
  echo "jpackage.sh: .rpm"
  mkdir -p "$work/rpm-resources"
  sed -e "s|@USR_TREE@|$top/$usr|" -e "s|@APP_IMAGE@|$top/$out/kclone|" packaging/rpm/kclone.spec > "$work/rpm-resources/kclone.spec"
  step "$jpackage" @packaging/rpm.options --type rpm --app-version "$app_version" \
    --app-image "$out/kclone" --resource-dir "$work/rpm-resources" --dest "$out"
else
  echo "jpackage.sh: no rpmbuild (Debian package rpm): no .rpm"
fi
ls -l "$out"
