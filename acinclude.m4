# Copyright (c) 2026 The ovs-offload authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

dnl FP_OVS_MAKE_VAR(BUILDDIR, VARIABLE)
dnl
dnl Prints the value of make variable VARIABLE in the OVS build BUILDDIR.
AC_DEFUN([FP_OVS_MAKE_VAR],
  [`printf 'fp-print-%%:\n\t@echo $(%s)\n' '$''*' > conftest.mk
    ${MAKE-make} -s -C "$1" -f Makefile -f "$PWD/conftest.mk" fp-print-$2
    rm -f conftest.mk`])

dnl FP_CHECK_OVS
dnl
dnl Finds the pinned Open vSwitch source and build trees
dnl (--with-ovs-source, --with-ovs-build; by default the ones that
dnl utilities/ovs-offload-setup makes under _ovs/), checks the version and
dnl takes the compiler and linker flags of that build, so that our objects
dnl agree with its config.h.
AC_DEFUN([FP_CHECK_OVS],
  [fp_top=`cd "$srcdir" && pwd`
   AC_ARG_WITH([ovs-source],
     [AS_HELP_STRING([--with-ovs-source=DIR],
                     [Open vSwitch 3.1 source tree (default: _ovs/source)])],
     [OVS_SRCDIR=`cd "$withval" 2>/dev/null && pwd`],
     [OVS_SRCDIR=$fp_top/_ovs/source])
   AC_ARG_WITH([ovs-build],
     [AS_HELP_STRING([--with-ovs-build=DIR],
                     [Open vSwitch 3.1 build tree (default: _ovs/build)])],
     [OVS_BUILDDIR=`cd "$withval" 2>/dev/null && pwd`],
     [OVS_BUILDDIR=$fp_top/_ovs/build])

   fp_ovs_howto="run utilities/ovs-offload-setup, which unpacks and builds
                  Debian 12's openvswitch-source into _ovs/, or pass
                  --with-ovs-source=DIR and --with-ovs-build=DIR"
   AC_MSG_CHECKING([for the Open vSwitch source tree])
   if test ! -f "$OVS_SRCDIR/lib/netdev-provider.h"; then
     AC_MSG_RESULT([no])
     AC_MSG_ERROR([no Open vSwitch source tree in '$OVS_SRCDIR': $fp_ovs_howto])
   fi
   AC_MSG_RESULT([$OVS_SRCDIR])

   AC_MSG_CHECKING([for the Open vSwitch build tree])
   if test ! -f "$OVS_BUILDDIR/config.h" \
      || test ! -f "$OVS_BUILDDIR/lib/libopenvswitch.la" \
      || test ! -f "$OVS_BUILDDIR/ofproto/libofproto.la" \
      || test ! -f "$OVS_BUILDDIR/vswitchd/bridge.o"; then
     AC_MSG_RESULT([no])
     AC_MSG_ERROR([no built Open vSwitch tree in '$OVS_BUILDDIR' (config.h, lib/libopenvswitch.la, ofproto/libofproto.la and vswitchd/bridge.o are needed): $fp_ovs_howto])
   fi
   AC_MSG_RESULT([$OVS_BUILDDIR])

   AC_MSG_CHECKING([the Open vSwitch version])
   OVS_VERSION=`sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
                    "$OVS_BUILDDIR/config.h"`
   AC_MSG_RESULT([$OVS_VERSION])
   case $OVS_VERSION in
     3.1.*) ;;
     *) AC_MSG_ERROR([Open vSwitch $OVS_VERSION in '$OVS_BUILDDIR' is not supported: ovs-offload builds against Open vSwitch 3.1.x; $fp_ovs_howto]) ;;
   esac

   AC_MSG_CHECKING([the flags of the Open vSwitch build])
   OVS_CFLAGS=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [OVS_CFLAGS])
   OVS_WARNING_FLAGS=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [WARNING_FLAGS])
   OVS_LIBS=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [LIBS])
   OVS_SSL_LIBS=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [SSL_LIBS])
   OVS_CAPNG_LDADD=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [CAPNG_LDADD])
   OVS_VSWITCHD_LDFLAGS=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [DPDK_vswitchd_LDFLAGS])
   fp_ovs_build_cflags=FP_OVS_MAKE_VAR([$OVS_BUILDDIR], [CFLAGS])
   AC_MSG_RESULT([done])

   dnl dpif-netdev calls the flow API's hw_miss_packet_recover() only when
   dnl it is compiled with ALLOW_EXPERIMENTAL_API; without it a packet that
   dnl the NIC hands over after a recirculation would be looked up again
   dnl from the first table.  Our objects get the same define.
   AC_MSG_CHECKING([whether Open vSwitch was built with ALLOW_EXPERIMENTAL_API])
   case " $fp_ovs_build_cflags " in
     *" -DALLOW_EXPERIMENTAL_API "*) AC_MSG_RESULT([yes]) ;;
     *) AC_MSG_RESULT([no])
        AC_MSG_ERROR([the Open vSwitch build in '$OVS_BUILDDIR' was configured without CFLAGS=-DALLOW_EXPERIMENTAL_API, so its dpif-netdev cannot resume a packet where the NIC stopped: configure it with --with-dpdk=shared CFLAGS="-g -O2 -DALLOW_EXPERIMENTAL_API", or $fp_ovs_howto]) ;;
   esac
   OVS_CFLAGS="$OVS_CFLAGS -DALLOW_EXPERIMENTAL_API"

   AC_SUBST([OVS_SRCDIR])
   AC_SUBST([OVS_BUILDDIR])
   AC_SUBST([OVS_VERSION])
   AC_SUBST([OVS_CFLAGS])
   AC_SUBST([OVS_WARNING_FLAGS])
   AC_SUBST([OVS_LIBS])
   AC_SUBST([OVS_SSL_LIBS])
   AC_SUBST([OVS_CAPNG_LDADD])
   AC_SUBST([OVS_VSWITCHD_LDFLAGS])])

dnl FP_CHECK_CMOCKA
dnl
dnl The unit tests need cmocka.
AC_DEFUN([FP_CHECK_CMOCKA],
  [PKG_CHECK_MODULES([CMOCKA], [cmocka], [],
     [AC_MSG_ERROR([cmocka not found: install libcmocka-dev (utilities/ovs-offload-setup does)])])])

dnl FP_CHECK_LIBNL
dnl
dnl lib/fp-rtnl.c talks rtnetlink through libnl's core and route API.
AC_DEFUN([FP_CHECK_LIBNL],
  [PKG_CHECK_MODULES([LIBNL], [libnl-3.0 libnl-route-3.0], [],
     [AC_MSG_ERROR([libnl not found: install libnl-3-dev and libnl-route-3-dev (utilities/ovs-offload-setup does)])])])

dnl FP_CHECK_FUZZ
dnl
dnl --enable-fuzz links the fuzz targets of tests/fuzz/ with libFuzzer
dnl (clang's -fsanitize=fuzzer), for a build such as the one that
dnl "utilities/ovs-offload-setup --fuzz" makes in _build-fuzz, with
dnl CC=clang and CFLAGS with -fsanitize=fuzzer-no-link,address,undefined.
dnl Without it, each target is linked with tests/fuzz/fuzz-replay.c, which
dnl runs the kept corpus through the target, in every build.
AC_DEFUN([FP_CHECK_FUZZ],
  [AC_ARG_ENABLE([fuzz],
     [AS_HELP_STRING([--enable-fuzz],
                     [link the fuzz targets with libFuzzer (needs clang)])],
     [], [enable_fuzz=no])
   AM_CONDITIONAL([FP_FUZZ], [test "$enable_fuzz" = yes])])

dnl FP_CHECK_DPDK
dnl
dnl lib/fp-rte-flow.c builds DPDK rte_flow rules, so it needs DPDK 22.11's
dnl headers, which the flags of an Open vSwitch build configured
dnl --with-dpdk point to (Debian's libdpdk-dev).  It calls no DPDK
dnl function: nothing more is linked for it.
AC_DEFUN([FP_CHECK_DPDK],
  [AC_MSG_CHECKING([for DPDK's rte_flow.h with the Open vSwitch build's flags])
   fp_save_CPPFLAGS=$CPPFLAGS
   CPPFLAGS="$CPPFLAGS $OVS_CFLAGS"
   AC_COMPILE_IFELSE(
     [AC_LANG_PROGRAM([[#include <rte_flow.h>]],
        [[struct rte_flow_action_ethdev port = { .port_id = 1 };
          return port.port_id != RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR;]])],
     [AC_MSG_RESULT([yes])],
     [AC_MSG_RESULT([no])
      AC_MSG_ERROR([DPDK 22.11's rte_flow.h does not compile with the flags of the Open vSwitch build in '$OVS_BUILDDIR' ($OVS_CFLAGS): configure Open vSwitch --with-dpdk=shared with libdpdk-dev installed, or $fp_ovs_howto])])
   CPPFLAGS=$fp_save_CPPFLAGS])

dnl FP_CHECK_DPDK_SDK
dnl
dnl The model NIC's vdev PMD (lib/fp-dpdk-pmd*.c) needs DPDK's driver
dnl headers (ethdev_driver.h, ethdev_vdev.h, bus_vdev_driver.h,
dnl dev_driver.h), which DPDK installs only when built with
dnl -Denable_driver_sdk=true, and Debian's libdpdk-dev is not.
dnl utilities/ovs-offload-setup takes them from Debian's source package of
dnl the installed DPDK into _ovs/dpdk-sdk (--with-dpdk-sdk=DIR for
dnl another place).  They describe the installed DPDK's internal ABI, so
dnl they must come from the same release.
AC_DEFUN([FP_CHECK_DPDK_SDK],
  [AC_ARG_WITH([dpdk-sdk],
     [AS_HELP_STRING([--with-dpdk-sdk=DIR],
                     [DPDK's driver headers (default: _ovs/dpdk-sdk)])],
     [DPDK_SDK_DIR=`cd "$withval" 2>/dev/null && pwd`],
     [DPDK_SDK_DIR=$fp_top/_ovs/dpdk-sdk])
   AC_MSG_CHECKING([for DPDK's driver headers in '$DPDK_SDK_DIR'])
   fp_save_CPPFLAGS=$CPPFLAGS
   CPPFLAGS="$CPPFLAGS $OVS_CFLAGS -I$DPDK_SDK_DIR -DALLOW_INTERNAL_API"
   AC_COMPILE_IFELSE(
     [AC_LANG_PROGRAM([[#include <ethdev_driver.h>
                        #include <bus_vdev_driver.h>]],
        [[struct rte_eth_dev *eth = rte_eth_dev_allocate("x");
          return eth == NULL;]])],
     [AC_MSG_RESULT([yes])],
     [AC_MSG_RESULT([no])
      AC_MSG_ERROR([DPDK's driver headers (ethdev_driver.h, bus_vdev_driver.h) are not in '$DPDK_SDK_DIR': run utilities/ovs-offload-setup, which takes them from Debian's source package of the installed DPDK, or pass --with-dpdk-sdk=DIR])])
   CPPFLAGS=$fp_save_CPPFLAGS
   AC_SUBST([DPDK_SDK_DIR])])
