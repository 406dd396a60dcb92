# Sourced by the scripts: puts the repo's own tools (Node 22, tauri-driver) and cargo on PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/.tools/node/node_modules/.bin:$root/.tools/bin:$HOME/.cargo/bin:$PATH"
