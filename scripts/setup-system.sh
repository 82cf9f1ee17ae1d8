#!/usr/bin/env bash
# Installs the system packages the tests need, idempotently (does nothing when they are present):
#   chromium                                     headless browser tests, `dropgrad figure`; its SwiftShader Vulkan driver
#   libvulkan1                                   the Vulkan loader, so that Dawn (npm webgpu) can use SwiftShader
#   libegl-mesa0, libgles2                       Mesa's EGL and OpenGL ES (llvmpipe): Dawn's fallback adapter in Node
#   libllvm15                                    what lavapipe (below) links against
#   jupyter-nbconvert, python3-jupyter-client    running the TypeScript notebooks headless (Deno kernel from npm)
# then lavapipe (Mesa 25 from bookworm-backports) unpacked into .vendor/mesa: scripts/setup-lavapipe.sh
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ] || need+=(libvulkan1)
[ -e /usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0 ] || need+=(libegl-mesa0)
[ -e /usr/lib/x86_64-linux-gnu/libGLESv2.so.2 ] || need+=(libgles2)
[ -e /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1 ] || need+=(libllvm15)
/usr/bin/python3 -c 'import nbclient, nbconvert, jupyter_client' >/dev/null 2>&1 || need+=(jupyter-nbconvert python3-jupyter-client)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "system packages ready: $(chromium --version 2>/dev/null || echo 'chromium missing'); nbclient $(/usr/bin/python3 -c 'import nbclient; print(nbclient.__version__)' 2>/dev/null || echo missing)"
bash "$(dirname "$0")/setup-lavapipe.sh"
