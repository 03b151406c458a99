
# The benchmark of the flow-processor model, with OVS's classifier as a
# peer.
bin_PROGRAMS += utilities/ovs-offload-bench
utilities_ovs_offload_bench_SOURCES = utilities/ovs-offload-bench.c
utilities_ovs_offload_bench_LDADD = lib/libfp.la $(OVS_LIBOPENVSWITCH) \
	$(OVS_LINK_LIBS)
