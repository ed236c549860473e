#!/usr/bin/env bash
# Executes notebooks in real Jupyter (Debian's nbconvert/nbclient) with the repo's Deno kernel
# spec (notebooks/kernels/rewardmix-deno), so nothing depends on a user's kernel install.
#
#   scripts/run-notebooks.sh                      # every notebooks/*.ipynb, outputs stored in place
#   scripts/run-notebooks.sh --output-dir DIR     # executed copies written to DIR; tree untouched
#   scripts/run-notebooks.sh [--output-dir DIR] notebooks/00-quickstart.ipynb ...
#
# Fails (non-zero exit) on the first cell error. Needs: /usr/bin/python3 with Debian's
# jupyter-nbconvert, python3-nbclient and jupyter-client; node_modules (npm ci) for Deno.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
output_dir=""
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output-dir) output_dir="$2"; shift 2 ;;
    --output-dir=*) output_dir="${1#*=}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) notebooks+=("$1"); shift ;;
  esac
done
if [ ${#notebooks[@]} -eq 0 ]; then
  shopt -s nullglob
  notebooks=("$repo"/notebooks/*.ipynb)
  shopt -u nullglob
fi
if [ ${#notebooks[@]} -eq 0 ]; then
  echo "run-notebooks: no notebooks in $repo/notebooks" >&2
  exit 1
fi
if [ ! -x "$repo/node_modules/.bin/deno" ]; then
  echo "run-notebooks: $repo/node_modules/.bin/deno is missing: run npm ci first" >&2
  exit 1
fi
if ! "$python" -c 'import nbconvert, nbclient, jupyter_client' 2>/dev/null; then
  echo "run-notebooks: $python lacks nbconvert/nbclient/jupyter_client:" \
    "apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client" >&2
  exit 1
fi

# Jupyter state in a temp dir; kernels found only under notebooks/kernels (JUPYTER_PATH comes
# first in Jupyter's search path), so a user's config or kernel installs change nothing.
jupyter_tmp="$(mktemp -d)"
trap 'rm -rf "$jupyter_tmp"' EXIT
export JUPYTER_PATH="$repo/notebooks"
export JUPYTER_CONFIG_DIR="$jupyter_tmp/config"
export JUPYTER_DATA_DIR="$jupyter_tmp/data"
export JUPYTER_RUNTIME_DIR="$jupyter_tmp/runtime"
export JUPYTER_PLATFORM_DIRS=1
# Deno's cache (code caches only: npm packages come from node_modules) stays in the repo.
export DENO_DIR="${DENO_DIR:-$repo/.deno}"
export NO_COLOR=1

args=(
  --to notebook
  --execute
  --ExecutePreprocessor.kernel_name=rewardmix-deno
  --ExecutePreprocessor.timeout=600
  --ExecutePreprocessor.record_timing=False
)
if [ -n "$output_dir" ]; then
  mkdir -p "$output_dir"
  args+=(--output-dir "$output_dir")
else
  args+=(--inplace)
fi

for nb in "${notebooks[@]}"; do
  echo "run-notebooks: executing $nb"
  "$python" -m nbconvert "${args[@]}" "$nb"
done
echo "run-notebooks: ${#notebooks[@]} notebook(s) executed without error"
