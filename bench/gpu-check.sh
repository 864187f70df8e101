#!/usr/bin/env bash
# gradstep on a GPU machine, in one command: the OpenCL devices, the kernel self-test against the
# reference, and the bench of both lab models, as one report. Runs from bench/gpu-pack/ (made by
# make-gpu-pack.sh) with its own Java runtime and OpenCL loader: the machine needs only its GPU driver.
#
#   ./gpu-check.sh                 # the GPU
#   ./gpu-check.sh opencl-cpu      # the same check on an OpenCL CPU device (how it is tried without a GPU)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
backend="${1:-gpu}"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The loader finds drivers through /etc/OpenCL/vendors/*.icd. A driver installed without one (NVIDIA's
# from a .run file, a container with the libraries mounted) gets one here, in a folder of our own.
if ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1 && [ -z "${OCL_ICD_VENDORS:-}" ]; then
  vendors="$(mktemp -d)"
  for lib in libnvidia-opencl.so.1 libamdocl64.so libigdrcl.so libpocl.so.2; do
    if ldconfig -p 2>/dev/null | grep -q "$lib" || ls /usr/lib/x86_64-linux-gnu/"$lib" /usr/lib64/"$lib" >/dev/null 2>&1; then
      echo "$lib" > "$vendors/${lib%%.so*}.icd"
      echo "gpu-check: registered $lib (no ICD file was installed)"
    fi
  done
  export OCL_ICD_VENDORS="$vendors"
fi

# signal chaining: LLVM-based OpenCL drivers replace the JVM's SIGSEGV handler otherwise (see ./gradstep)
export LD_PRELOAD="$here/runtime/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
java=("$here/runtime/bin/java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -jar "$here/gradstep.jar")
status=0
echo "== gradstep devices"
"${java[@]}" devices 2>&1 | grep -v '^WARNING: Using incubator modules' || status=1
echo "== gradstep selftest --backend $backend"
"${java[@]}" selftest --backend "$backend" 2>&1 | grep -v '^WARNING: Using incubator modules' || status=1
for model in mlp cnn; do
  echo "== gradstep bench --model $model --backend $backend"
  steps=$([ "$model" = mlp ] && echo 200 || echo 50)
  "${java[@]}" bench --model "$model" --backend "$backend" --steps "$steps" --peak 0 2>&1 \
    | grep -v '^WARNING: Using incubator modules' || status=1
done
exit $status
