#!/usr/bin/env sh
# Makes sure `redis-server` is on PATH: the BullMQ task queue's tests run against a real Redis.
# As root it installs Debian's `redis-server` package; otherwise it says what to install and fails.
set -eu

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "redis-server not found: installing the Debian package 'redis-server'..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 || { echo "ensure-redis: installing 'redis-server' did not put it on PATH" >&2; exit 1; }
  exit 0
fi

echo "ensure-redis: 'redis-server' is not installed and this script is not running as root." >&2
echo "Install the Debian/Ubuntu package 'redis-server' (sudo apt-get install -y redis-server), then re-run the tests." >&2
exit 1
