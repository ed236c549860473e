#!/usr/bin/env bash
# Installs the repo's Deno Jupyter kernel ("Deno (rewardmix)", name rewardmix-deno) for the
# current user, pointing at this checkout's node_modules/.bin/deno. Run again after moving the
# checkout. `npm run notebooks:install`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deno="$repo/node_modules/.bin/deno"
if [ ! -x "$deno" ]; then
  echo "notebooks-install: $deno is missing: run npm ci first" >&2
  exit 1
fi

spec="$(mktemp -d)/rewardmix-deno"
trap 'rm -rf "$(dirname "$spec")"' EXIT
mkdir -p "$spec"
# The repo's spec finds deno relative to itself ({resource_dir}); an installed copy lives
# elsewhere, so it gets the absolute path.
sed "s|{resource_dir}/../../../node_modules/.bin/deno|$deno|" \
  "$repo/notebooks/kernels/rewardmix-deno/kernel.json" >"$spec/kernel.json"
if grep -q '{resource_dir}' "$spec/kernel.json"; then
  echo "notebooks-install: could not set the deno path in kernel.json" >&2
  exit 1
fi

if command -v jupyter >/dev/null 2>&1; then
  jupyter kernelspec install --user --replace --name rewardmix-deno "$spec"
else
  # No Jupyter on PATH (e.g. JupyterLab Desktop, VS Code): write to the user data dir directly.
  case "$(uname -s)" in
    Darwin) data="${JUPYTER_DATA_DIR:-$HOME/Library/Jupyter}" ;;
    *) data="${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}" ;;
  esac
  mkdir -p "$data/kernels/rewardmix-deno"
  cp "$spec/kernel.json" "$data/kernels/rewardmix-deno/kernel.json"
  echo "Installed kernelspec rewardmix-deno in $data/kernels/rewardmix-deno"
fi
echo "Open notebooks/*.ipynb in Jupyter and pick the kernel \"Deno (rewardmix)\"."
