#! /bin/sh
# Generates configure and the Makefile templates.  Run once after a fresh
# clone; afterwards "make" regenerates them when their sources change.
set -e
autoreconf --install --force
