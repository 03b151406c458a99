# The NIC side: the fp core and the flow-processor model.  It uses OVS's
# utility library only, never ofproto/ or vswitchd/.
noinst_LTLIBRARIES += lib/libfp.la
# lib/fp-rtnl.c talks rtnetlink with libnl.
lib_libfp_la_LIBADD = $(LIBNL_LIBS)
lib_libfp_la_SOURCES = \
	include/fp/fp.h \
	include/fp/fp-provider.h \
	lib/fp.c \
	lib/fp-evb.c \
	lib/fp-hash.c \
	lib/fp-hash.h \
	lib/fp-afpacket.c \
	lib/fp-afpacket.h \
	lib/fp-hotplug.c \
	lib/fp-action.c \
	lib/fp-action.h \
	lib/fp-meter.c \
	lib/fp-meter.h \
	lib/fp-sched.c \
	lib/fp-sched.h \
	lib/fp-model.c \
	lib/fp-model-emc.c \
	lib/fp-model-emc.h \
	lib/fp-model-engine.c \
	lib/fp-model-tx.c \
	lib/fp-model-tx.h \
	lib/fp-model-hotplug.c \
	lib/fp-model-evb.c \
	lib/fp-model-meter.c \
	lib/fp-model-port.c \
	lib/fp-model-qos.c \
	lib/fp-model-vf.c \
	lib/fp-model-private.h \
	lib/fp-model.h \
	lib/fp-parse.c \
	lib/fp-parse.h \
	lib/fp-port.c \
	lib/fp-private.h \
	lib/fp-rule.c \
	lib/fp-rule.h \
	lib/fp-slab.c \
	lib/fp-slab.h \
	lib/fp-rtnl.c \
	lib/fp-rtnl.h \
	lib/fp-rte-flow.c \
	lib/fp-rte-flow-action.c \
	lib/fp-rte-flow-private.h \
	lib/fp-rte-flow.h \
	lib/fp-rte-flow-dev.c \
	lib/fp-rte-flow-dev.h \
	lib/fp-rte-flow-dev-mtr.c \
	lib/fp-rte-flow-dev-private.h \
	lib/fp-table.c \
	lib/fp-table.h \
	lib/fp-vf.c

# The model NIC as a DPDK vdev PMD (net_fp): DPDK's driver headers, which
# Debian does not install, are in $(DPDK_SDK_DIR) (see FP_CHECK_DPDK_SDK);
# the PMD registers with the vdev bus of librte_bus_vdev.
lib_libfp_la_SOURCES += \
	lib/fp-dpdk-pmd.c \
	lib/fp-dpdk-pmd.h \
	lib/fp-dpdk-pmd-action.c \
	lib/fp-dpdk-pmd-flow.c \
	lib/fp-dpdk-pmd-mtr.c \
	lib/fp-dpdk-pmd-private.h
lib_libfp_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(DPDK_SDK_DIR)
lib_libfp_la_LIBADD += -lrte_bus_vdev
