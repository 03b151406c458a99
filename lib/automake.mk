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
	lib/fp-link.h \
	lib/fp-action.c \
	lib/fp-action.h \
	lib/fp-meter.c \
	lib/fp-meter.h \
	lib/fp-sched.c \
	lib/fp-sched.h \
	lib/fp-model.c \
	lib/fp-model-engine.c \
	lib/fp-model-hotplug.c \
	lib/fp-model-evb.c \
	lib/fp-model-port.c \
	lib/fp-model-qos.c \
	lib/fp-model-vf.c \
	lib/fp-model-private.h \
	lib/fp-model.h \
	lib/fp-parse.c \
	lib/fp-parse.h \
	lib/fp-rule.c \
	lib/fp-rule.h \
	lib/fp-rtnl.c \
	lib/fp-rtnl.h \
	lib/fp-rte-flow.c \
	lib/fp-rte-flow-action.c \
	lib/fp-rte-flow-private.h \
	lib/fp-rte-flow.h \
	lib/fp-rte-flow-dev.c \
	lib/fp-rte-flow-dev.h \
	lib/fp-table.c \
	lib/fp-table.h \
	lib/fp-vf.c
