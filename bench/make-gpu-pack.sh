#!/usr/bin/env bash
# Makes bench/gpu-pack/: everything gpu-check.sh needs on a Linux x86-64 machine that has a GPU and its
# OpenCL driver but no Java, Maven or OpenCL loader:
#   runtime/           a Java runtime of only the modules gradstep uses (jlink), no debug symbols
#   gradstep.jar       the gradstep jar with only its Linux x86-64 native libraries
#   lib/               the OpenCL ICD loader, from Debian's ocl-icd-libopencl1, unpacked
#   gpu-check.sh       the check itself
# Run it here (it needs this machine's JDK, Maven and apt-get download); copy the folder over.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
pack="$here/gpu-pack"
rm -rf "$pack"
mkdir -p "$pack/lib"

(cd "$root" && mvn -q -B -DskipTests package)

# The jar without the natives of other systems: Windows, macOS, 32-bit and ARM Linux.
cp "$root/debugger/target/gradstep.jar" "$pack/gradstep.jar"
zip -q -d "$pack/gradstep.jar" 'win/*' 'osx/*' 'linux/libaparapi_x86.so' 'linux/libaparapi_aarch64.so' \
  'linux/libaparapi_armhf.so' 'lib/*windows*' 'lib/*apple*' 'lib/*arm*' >/dev/null

# The modules jdeps finds, but java.desktop (only Lanterna's Swing terminal uses it, and the check runs no
# terminal UI; it is a third of the runtime), plus jdk.unsupported (Unsafe).
modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$pack/gradstep.jar" \
  | tr ',' '\n' | grep -v '^java.desktop$' | paste -sd,),jdk.unsupported"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$pack/runtime"

# The OpenCL ICD loader (libOpenCL.so.1) and the unversioned name JOCL opens.
tmp="$(mktemp -d)"
(cd "$tmp" && apt-get download -q ocl-icd-libopencl1 >/dev/null && dpkg-deb -x ./*.deb x)
cp -a "$tmp"/x/usr/lib/x86_64-linux-gnu/libOpenCL.so.1* "$pack/lib/"
ln -sf libOpenCL.so.1 "$pack/lib/libOpenCL.so"
rm -rf "$tmp"

cp "$here/gpu-check.sh" "$pack/gpu-check.sh"
chmod +x "$pack/gpu-check.sh"
du -sh "$pack" | awk '{print "bench/gpu-pack: " $1}'
