
# The benchmark: the flow-processor model, with OVS's classifier as a peer,
# and the statistics sync of our flow API, which links our OVS side as
# ovs-vswitchd does.
bin_PROGRAMS += utilities/ovs-offload-bench
utilities_ovs_offload_bench_SOURCES = \
	utilities/ovs-offload-bench.c \
	utilities/ovs-offload-bench.h \
	utilities/ovs-offload-bench-report.c \
	utilities/ovs-offload-bench-sync.c \
	utilities/ovs-offload-bench-dpdk.c \
	utilities/ovs-offload-bench-cls.c \
	utilities/ovs-offload-bench-model.c \
	utilities/ovs-offload-bench-dpif.c \
	utilities/ovs-offload-bench-churn.c \
	utilities/ovs-offload-bench-offload.c \
	utilities/ovs-offload-bench-latency.c \
	$(OFPROTO_OFFLOAD_SOURCES)
utilities_ovs_offload_bench_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OVS_SRCDIR) -I$(OVS_BUILDDIR) -I$(top_srcdir)/ofproto-offload \
	-DBENCH_SRCDIR='"$(abs_top_srcdir)"' \
	-DBENCH_SANDBOX_SCRIPT='"$(abs_top_srcdir)/utilities/ovs-offload-bench-sandbox"'
utilities_ovs_offload_bench_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) \
	$(OVS_LINK_LIBS)
utilities_ovs_offload_bench_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
