
# The benchmark of the flow-processor model, with OVS's classifier as a
# peer.
bin_PROGRAMS += utilities/ovs-offload-bench
utilities_ovs_offload_bench_SOURCES = utilities/ovs-offload-bench.c
utilities_ovs_offload_bench_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) \
	$(OVS_LINK_LIBS)

# The statistics sync benchmark links our OVS side as ovs-vswitchd does.
bin_PROGRAMS += utilities/ovs-offload-bench-sync
utilities_ovs_offload_bench_sync_SOURCES = utilities/ovs-offload-bench-sync.c \
	$(OFPROTO_OFFLOAD_SOURCES)
utilities_ovs_offload_bench_sync_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OVS_SRCDIR) -I$(OVS_BUILDDIR) -I$(top_srcdir)/ofproto-offload
utilities_ovs_offload_bench_sync_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) \
	$(OVS_LINK_LIBS)
utilities_ovs_offload_bench_sync_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
