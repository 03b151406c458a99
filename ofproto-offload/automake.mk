# The OVS side: our ovs-vswitchd, which is OVS's vswitchd linked with the
# fp netdev class, the fp flow API and the fp/ unixctl commands.
sbin_PROGRAMS += ofproto-offload/ovs-vswitchd
OFPROTO_OFFLOAD_SOURCES = \
	ofproto-offload/fp-unixctl.c \
	ofproto-offload/fp-unixctl.h \
	ofproto-offload/fp-unixctl-vf.c \
	ofproto-offload/fp-unixctl-pcap.c \
	ofproto-offload/netdev-fp.c \
	ofproto-offload/netdev-fp.h \
	ofproto-offload/netdev-fp-evb.c \
	ofproto-offload/netdev-fp-evb.h \
	ofproto-offload/netdev-fp-qos.c \
	ofproto-offload/netdev-fp-qos.h \
	ofproto-offload/netdev-fp-stats.c \
	ofproto-offload/netdev-fp-vf.c \
	ofproto-offload/netdev-fp-vf.h \
	ofproto-offload/netdev-fp-private.h \
	ofproto-offload/netdev-offload-fp.c \
	ofproto-offload/netdev-offload-fp.h \
	ofproto-offload/netdev-offload-fp-coverage.c \
	ofproto-offload/netdev-offload-fp-dpdk.c \
	ofproto-offload/netdev-offload-fp-explain.c \
	ofproto-offload/netdev-offload-fp-hold.c \
	ofproto-offload/netdev-offload-fp-hotplug.c \
	ofproto-offload/netdev-offload-fp-meter.c \
	ofproto-offload/netdev-offload-fp-names.c \
	ofproto-offload/netdev-offload-fp-private.h \
	ofproto-offload/netdev-offload-fp-record.c \
	ofproto-offload/netdev-offload-fp-resume.c \
	ofproto-offload/netdev-offload-fp-translate.c \
	ofproto-offload/ovs-offload.c \
	ofproto-offload/ovs-offload.h
ofproto_offload_ovs_vswitchd_SOURCES = $(OFPROTO_OFFLOAD_SOURCES)
ofproto_offload_ovs_vswitchd_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OVS_SRCDIR) -I$(OVS_BUILDDIR)
ofproto_offload_ovs_vswitchd_LDADD = \
	$(OVS_BUILDDIR)/vswitchd/bridge.$(OBJEXT) \
	$(OVS_BUILDDIR)/vswitchd/ovs-vswitchd.$(OBJEXT) \
	$(OVS_BUILDDIR)/vswitchd/system-stats.$(OBJEXT) \
	lib/libfp.la \
	$(OVS_BUILDDIR)/ofproto/libofproto.la \
	$(OVS_BUILDDIR)/lib/libsflow.la \
	$(OVS_LIBOPENVSWITCH) \
	$(OVS_LINK_LIBS)
# --wrap: see the __wrap_*() functions in ovs-offload.c.
OFPROTO_OFFLOAD_WRAPS = \
	-Wl,--wrap=netdev_set_flow_api_enabled \
	-Wl,--wrap=dpif_meter_set \
	-Wl,--wrap=dpif_meter_get \
	-Wl,--wrap=dpif_meter_del \
	-Wl,--wrap=dpdk_init \
	-Wl,--wrap=daemonize_complete \
	-Wl,--wrap=rte_eth_dev_start
ofproto_offload_ovs_vswitchd_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS) \
	$(OFPROTO_OFFLOAD_WRAPS)
dist_man_MANS += ofproto-offload/ovs-offload.8
